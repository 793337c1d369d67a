/**
 * Takes the screenshot of the devtools panel that docs/visualization.md shows, from the real page:
 * a reference server with simulated trades, a Node session observing a few streams, the page of
 * `serveDevtools` in Debian's Chromium, a drop so that the log has a resume in it, then the
 * screenshot once the session is authorized again.
 *
 *   npx tsx scripts/devtools-screenshot.ts [--out docs/devtools-panel.png]
 */
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { createSession } from '../src/node.js';
import { serveDevtools } from '../src/devtools/node.js';
import { createTestServer, startMarketSimulator } from '../src/testing/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/chromium.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/devtools-panel.png' } } });

const server = await createTestServer({ heartbeatMs: 5_000, resumeWindowMs: 10_000, auth: { tokens: ['screenshot-token-1'] } });
const simulator = startMarketSimulator(server, { symbols: ['btcusdt', 'ethusdt', 'solusdt'], ratePerSecond: 300 });
const session = createSession({ balancer: server.balancerUrl, auth: { token: 'screenshot-token-1' }, reconnect: { initialDelayMs: 300, maxDelayMs: 2_000 } });
const subscriptions = ['btcusdt@trade', 'btcusdt@depth', 'ethusdt@trade', 'ethusdt@depth', 'solusdt@trade'].map((name) => session.stream(name).subscribe());
const devtools = await serveDevtools(session, { port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(devtools.url);
  await page.locator('.wsd-badge[data-state="authorized"]').waitFor({ timeout: 10_000 });
  await page.locator('svg [data-state="connection.authorized"]').waitFor({ timeout: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  server.faults.dropConnection();
  await page.locator('.wsd-log-table tbody tr[data-to^="connection.authorized"]').first().waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector('.wsd-log-table tbody tr')?.getAttribute('data-to')?.startsWith('connection.authorized') === true, undefined, { timeout: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 2_200));
  await page.locator('.wsd-panel').screenshot({ path: values.out });
  console.log(`wrote ${values.out}`);
} finally {
  await browser.close();
  await devtools.close();
  for (const subscription of subscriptions) subscription.unsubscribe();
  simulator.stop();
  await session.close();
  await server.close();
}
