/**
 * The script of the page `serveDevtools` serves: the panel, fed by the page's own WebSocket feed
 * (`./feed`, beside the page). With `?offline` in its URL, or when the feed is gone, it still opens
 * and replays recordings. Built into one browser script (`page.global.js`) with ELK inside.
 */
import { createPanel } from '../panel/panel.js';
import type { DevtoolsRecord } from '../records.js';

const RECONNECT_DELAY_MS = 2_000;

const host = document.getElementById('devtools') ?? document.body;
const panel = createPanel(host, { title: document.title });
const mode = panel.element.querySelector('.wsd-mode');

function connect(): void {
  const url = new URL('feed', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  socket.addEventListener('message', (message: MessageEvent<string>) => panel.apply(JSON.parse(message.data) as DevtoolsRecord));
  socket.addEventListener('open', () => mode?.setAttribute('data-feed', 'open'));
  socket.addEventListener('close', () => {
    mode?.setAttribute('data-feed', 'closed');
    // The bot may come back (a restart): try again, a fresh hello redraws everything.
    setTimeout(connect, RECONNECT_DELAY_MS);
  });
}

if (!new URLSearchParams(location.search).has('offline')) connect();
