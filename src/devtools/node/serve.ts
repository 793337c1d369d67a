/**
 * `serveDevtools`: the devtools panel of a Node process's session on a local page, fed over a
 * WebSocket. The feed listens to the session only while at least one page is open, and serializes
 * each record once for every viewer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE_CODES } from '../../constants.js';
import { OptionsError } from '../../errors.js';
import type { Session } from '../../session.js';
import { createDevtoolsFeed, type DevtoolsFeedOptions } from '../feed.js';
import type { DevtoolsRecord } from '../records.js';
import { PAGE_HTML, pageScript } from './page.js';

/** Options of {@link serveDevtools}. */
export interface ServeDevtoolsOptions extends DevtoolsFeedOptions {
  /** The port to listen on; 0 picks a free one (read it from `url`). @default 0 */
  readonly port?: number;
  /**
   * The address to listen on. The page shows no secret, but it does show your endpoints, stream
   * names and session ids: keep it on the loopback address unless you mean to share it.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * A viewer whose socket has more than this many bytes waiting is disconnected (its page
   * reconnects and starts over from a fresh picture) rather than buffered without bound.
   * @default 1048576 (1 MiB)
   */
  readonly maxViewerBufferBytes?: number;
}

/** A running devtools page. */
export interface DevtoolsServer {
  /** The page's address: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** How many pages are watching now. */
  readonly viewers: number;
  /** Closes the page's server and every viewer's socket, and stops listening to the session. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // The panel's stylesheet is an inline <style>; nothing else is inline, nothing comes from elsewhere.
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
};

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

function checkOptions(options: ServeDevtoolsOptions): void {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new OptionsError('port must be an integer from 0 to 65535');
  const limit = options.maxViewerBufferBytes ?? 1;
  if (!Number.isFinite(limit) || limit <= 0) throw new OptionsError('maxViewerBufferBytes must be a positive number');
}

/**
 * Serves the devtools panel of `session` on a local page: the same panel as `attachDevtools`, fed
 * over a WebSocket with the same redaction. Nothing listens to the session while no page is open;
 * stream messages never pass through it either way.
 *
 * @throws OptionsError on a bad port or buffer limit; rejects when the port cannot be listened on.
 * @example
 * ```ts
 * import { createSession } from 'wirestate';
 * import { serveDevtools } from 'wirestate/devtools';
 *
 * const session = createSession({ balancer: 'https://api.example.com' });
 * const devtools = await serveDevtools(session, { port: 9229 });
 * console.log(`devtools: ${devtools.url}`);
 * // at shutdown
 * await devtools.close();
 * ```
 */
export async function serveDevtools(session: Session, options: ServeDevtoolsOptions = {}): Promise<DevtoolsServer> {
  checkOptions(options);
  const host = options.host ?? '127.0.0.1';
  const maxBuffered = options.maxViewerBufferBytes ?? 1024 * 1024;
  const feed = createDevtoolsFeed(session, options);
  const viewers = new Set<WebSocket>();
  let stopFeed: (() => void) | undefined;
  let port = 0;

  const broadcast = (record: DevtoolsRecord) => {
    const text = JSON.stringify(record);
    for (const viewer of viewers) {
      if (viewer.bufferedAmount > maxBuffered) viewer.close(CLOSE_CODES.TryAgainLater, 'viewer too slow');
      else viewer.send(text);
    }
  };

  // A page elsewhere on the web must not read the feed through the user's browser (cross-site
  // WebSocket), nor reach it through a name that resolves here (DNS rebinding): only this page may.
  const ownHosts = () => new Set([`${host}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const allowed = (request: IncomingMessage): boolean => {
    const requestHost = request.headers.host ?? '';
    // Listening on every address means being reached by names we cannot know; the Origin check still holds.
    if (!WILDCARD_HOSTS.has(host) && !ownHosts().has(requestHost)) return false;
    const origin = request.headers.origin;
    return origin === undefined || origin === `http://${requestHost}`;
  };

  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || !allowed(request)) {
      response.writeHead(request.method === 'GET' ? 403 : 405, SECURITY_HEADERS).end();
      return;
    }
    if (path === '/' || path === '/index.html') {
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' }).end(PAGE_HTML);
    } else if (path === '/devtools.js') {
      pageScript().then(
        (script) => response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/javascript; charset=utf-8' }).end(script),
        (error: unknown) => response.writeHead(500, { ...SECURITY_HEADERS, 'content-type': 'text/plain' }).end(`The devtools page script is missing: ${String(error)}`),
      );
    } else {
      response.writeHead(404, SECURITY_HEADERS).end();
    }
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((request.url ?? '').split('?')[0] !== '/feed' || !allowed(request)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (viewer) => {
      viewers.add(viewer);
      viewer.send(JSON.stringify(feed.hello()));
      stopFeed ??= feed.subscribe(broadcast);
      viewer.on('close', () => {
        viewers.delete(viewer);
        if (viewers.size === 0 && stopFeed !== undefined) {
          stopFeed();
          stopFeed = undefined;
        }
      });
      // Viewers only listen: anything they send is ignored.
      viewer.on('error', () => viewer.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}/`,
    get viewers() {
      return viewers.size;
    },
    async close() {
      stopFeed?.();
      stopFeed = undefined;
      for (const viewer of viewers) viewer.close(CLOSE_CODES.GoingAway, 'devtools closed');
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      for (const viewer of viewers) viewer.terminate();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
