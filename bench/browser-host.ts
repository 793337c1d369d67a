/**
 * The HTTP server of the Chromium throughput bench: serves the bundled page (bench/browser-page.ts)
 * and its `/hold` route, which answers once the bench has had the server write a burst.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { within } from './stats.js';

const PAGE = '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/page.js"></script>';

/** How long the bench may take to answer a hold; the page's main thread waits that long at most. */
const HOLD_LIMIT_MS = 60_000;

/** Writes a burst of `count` messages and resolves with the server's reply, given to the page as JSON. */
export type HoldHandler = (count: number) => Promise<object>;

/** The running page server. */
export interface PageHost {
  readonly url: string;
  close(): Promise<void>;
}

async function bundlePage(): Promise<string> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('browser-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0]?.text;
  if (script === undefined) throw new Error('esbuild gave no bundle for the bench page');
  return script;
}

/** Bundles the page and serves it on a free loopback port. */
export async function startPageHost(hold: HoldHandler): Promise<PageHost> {
  const script = await bundlePage();
  const http: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/hold') {
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
      return;
    }
    const isScript = url.pathname === '/page.js';
    response.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    response.end(isScript ? script : PAGE);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    close() {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(() => resolve()));
    },
  };
}
