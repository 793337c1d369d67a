/**
 * One page that runs a bundled module, served from a free loopback port: the shape of every page
 * the browser tests and benches drive. 127.0.0.1 is a secure context, which Web Locks need.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';

/** The running page server. */
export interface ModulePage {
  /** The page's address, ending in `/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** What a page is made of. */
export interface ModulePageOptions {
  /** The module's entry file (an absolute path): bundled by esbuild for the browser. */
  readonly entry: string;
  readonly title: string;
  /** Minifies the bundle (a bench measures what an app would ship). Default false. */
  readonly minify?: boolean;
  /** Answers a request other than the page and its script; returns false to leave it to the page. */
  readonly route?: (url: URL, response: ServerResponse, request: IncomingMessage) => boolean;
}

async function bundle(options: ModulePageOptions): Promise<string> {
  const result = await build({
    entryPoints: [options.entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? false,
    write: false,
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error(`esbuild gave no bundle for ${options.entry}`);
  return script;
}

/**
 * Bundles the module and serves it: `/page.js` is the script, anything else the page (unless
 * `route` takes it).
 *
 * @example
 * ```ts
 * const page = await serveModulePage({ entry: fileURLToPath(new URL('page-entry.ts', import.meta.url)), title: 'tabs' });
 * await tab.goto(page.url);
 * await page.close();
 * ```
 */
export async function serveModulePage(options: ModulePageOptions): Promise<ModulePage> {
  const script = await bundle(options);
  const html = `<!doctype html><meta charset="utf-8"><title>${options.title}</title><script type="module" src="/page.js"></script>`;
  const http = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (options.route?.(url, response, request) === true) return;
    const isScript = url.pathname === '/page.js';
    response.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    response.end(isScript ? script : html);
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
