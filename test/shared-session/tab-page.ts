/**
 * Serves the shared-session page (page-entry.ts bundled by esbuild) from one loopback origin, for
 * the shared-session tests (through Playwright, tabs.ts) and the shared-tabs bench (over the bare
 * DevTools protocol).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The running page server. */
export interface TabPage {
  /** The page's address; 127.0.0.1 is a secure context, which Web Locks need. */
  readonly origin: string;
  close(): Promise<void>;
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>shared session</title><script type="module" src="/page.js"></script>';

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('page-entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Bundles the page and serves it on a free loopback port. */
export async function serveTabPage(): Promise<TabPage> {
  const script = await bundle();
  const http = createServer((request, response) => {
    const isScript = request.url === '/page.js';
    response.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    response.end(isScript ? script : PAGE);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    close() {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(() => resolve()));
    },
  };
}
