/**
 * Opens tabs of the shared-session page (served by tab-page.ts) through Playwright, in one Chromium
 * context, where Web Locks and BroadcastChannel are shared as in a browser profile. Used by the
 * shared-session tests; the shared-tabs bench opens its tabs over the bare DevTools protocol.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.js';
import type { Tab } from './page-entry.js';
import { serveTabPage } from './tab-page.js';

export type { Tab };

/** Tabs of one browser context on one origin. */
export interface Tabs {
  readonly context: BrowserContext;
  /** Opens a tab on the page and waits until `window.tab` exists. */
  open(): Promise<Page>;
  close(): Promise<void>;
}

/** Starts the page server and a Chromium with one context; `close()` ends both. */
export async function startTabs(): Promise<Tabs> {
  const http = await serveTabPage();
  const { origin } = http;
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  } catch (error) {
    await http.close();
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
      await http.close();
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
