/**
 * The HTTP server of the Chromium throughput bench: serves the bundled page (bench/browser-page.ts)
 * and its `/hold` route, which answers once the bench has had the server write a burst.
 */
import { fileURLToPath } from 'node:url';
import { serveModulePage, type ModulePage } from '../test/helpers/module-page.js';
import { within } from './stats.js';

/** How long the bench may take to answer a hold; the page's main thread waits that long at most. */
const HOLD_LIMIT_MS = 60_000;

/** Writes a burst of `count` messages and resolves with the server's reply, given to the page as JSON. */
export type HoldHandler = (count: number) => Promise<object>;

/** The running page server. */
export type PageHost = ModulePage;

/** Bundles the page (minified, as an app would ship it) and serves it on a free loopback port. */
export function startPageHost(hold: HoldHandler): Promise<PageHost> {
  return serveModulePage({
    entry: fileURLToPath(new URL('browser-page.ts', import.meta.url)),
    title: 'bench',
    minify: true,
    route(url, response) {
      if (url.pathname !== '/hold') return false;
      within(hold(Number(url.searchParams.get('count'))), HOLD_LIMIT_MS, 'the burst behind a hold').then(
        (reply) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(reply));
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(error instanceof Error ? error.message : String(error));
        },
      );
      return true;
    },
  });
}
