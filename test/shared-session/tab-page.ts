/**
 * Serves the shared-session page (page-entry.ts bundled by esbuild) from one loopback origin, for
 * the shared-session tests (through Playwright, tabs.ts) and the shared-tabs bench (over the bare
 * DevTools protocol).
 */
import { fileURLToPath } from 'node:url';
import { serveModulePage } from '../helpers/module-page.js';

/** The running page server. */
export interface TabPage {
  /** The page's address; 127.0.0.1 is a secure context, which Web Locks need. */
  readonly origin: string;
  close(): Promise<void>;
}

/** Bundles the page and serves it on a free loopback port. */
export async function serveTabPage(): Promise<TabPage> {
  const page = await serveModulePage({ entry: fileURLToPath(new URL('page-entry.ts', import.meta.url)), title: 'shared session' });
  return { origin: page.url, close: () => page.close() };
}
