/**
 * Serves the shared-session page (page-entry.ts bundled by esbuild) from one origin and opens tabs
 * of it in one Chromium context, where Web Locks and BroadcastChannel are shared as in a browser
 * profile. Used by the shared-session tests and the browser bench.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.js';
import type { Tab } from './page-entry.js';

export type { Tab };

/** Tabs of one browser context on one origin. */
export interface Tabs {
  readonly context: BrowserContext;
  /** Opens a tab on the page and waits until `window.tab` exists. */
  open(): Promise<Page>;
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

function listen(script: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(script);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(PAGE);
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Starts the page server and a Chromium with one context; `close()` ends both. */
export async function startTabs(): Promise<Tabs> {
  const http = await listen(await bundle());
  // 127.0.0.1 is a secure context, which Web Locks need.
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  } catch (error) {
    http.close();
    throw error;
  }
  const context = await browser.newContext();
  const launched = browser;
  return {
    context,
    async open() {
      const page = await context.newPage();
      await page.goto(origin);
      await page.waitForFunction(() => (globalThis as { tab?: unknown }).tab !== undefined);
      return page;
    },
    async close() {
      await launched.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/** Runs `fn` in the page with its `tab` (see page-entry.ts); `fn` may use nothing from the test's scope but `arg`. */
export function inTab<R, A = undefined>(page: Page, fn: (tab: Tab, arg: A) => R | Promise<R>, arg?: A): Promise<R> {
  return page.evaluate(
    ([source, value]) => (new Function(`return (${source})`)() as (tab: unknown, arg: unknown) => unknown)((globalThis as { tab?: unknown }).tab, value),
    [fn.toString(), arg] as const,
  ) as Promise<R>;
}
