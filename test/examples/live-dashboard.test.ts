/**
 * The live-dashboard example in Debian's Chromium, driven by playwright-core: the page reaches
 * `authorized`, fills the trades table from the simulator, and shows a network drop as `resuming`
 * then `authorized` again, on the same session.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveDashboard, type LiveDashboard } from '../../examples/live-dashboard/serve.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.js';

let dashboard: LiveDashboard;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dashboard = await startLiveDashboard({ port: 0, ratePerSecond: 50 });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1800, height: 1000 } });
}, 30_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await dashboard?.close();
});

const text = (selector: string) => page.locator(selector).textContent();

describe('the live dashboard example', () => {
  it('shows the session authorized and the latest trades', async () => {
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(dashboard.url);

    await page.locator('#state[data-state="authorized"]').waitFor({ timeout: 15_000 });
    expect(await text('#state')).toBe('authorized');
    expect(await text('#attempt')).toBe('0');
    expect(await text('#codec')).toBe('msgpack');
    expect(await text('#endpoint')).toBe(dashboard.server.endpointUrl);
    expect(await text('#session-id')).toBe(dashboard.server.sessions()[0]?.sessionId);

    // The simulator publishes to every symbol in turn: soon each has a row with a price.
    await page.waitForFunction(() => document.querySelectorAll('#trades tbody tr').length === 5, undefined, { timeout: 5_000 });
    const rows = await page.locator('#trades tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ symbol: tr.getAttribute('data-symbol'), cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '') })),
    );
    expect(rows.map((row) => row.symbol)).toEqual(['btcusdt', 'ethusdt', 'solusdt', 'bnbusdt', 'xrpusdt']);
    for (const row of rows) {
      expect(row.cells[1]).toMatch(/^\d+(\.\d+)?$/);
      expect(Number(row.cells[5])).toBeGreaterThan(0);
    }
    // The table keeps moving.
    const seen = Number(rows[0]?.cells[5]);
    await page.waitForFunction((before) => Number(document.querySelector('#trades tbody tr td:last-child')?.textContent) > before, seen, { timeout: 5_000 });
    expect(pageErrors).toEqual([]);
  });

  it('shows a drop as resuming, then authorized again on the same session', async () => {
    const sessionId = await text('#session-id');
    expect(dashboard.server.faults.dropConnection()).toBe(1);

    // The transitions log keeps every step, however quick: newest first.
    await page.waitForFunction(() => document.querySelector('#transitions li')?.getAttribute('data-state') === 'authorized' && document.querySelector('#transitions li[data-state="resuming"]') !== null, undefined, { timeout: 10_000 });
    const log = await page.locator('#transitions li').evaluateAll((items) => items.map((item) => item.getAttribute('data-state')).reverse());
    const afterDrop = log.slice(log.lastIndexOf('authorized', log.length - 2) + 1);
    expect(afterDrop).toContain('resuming');
    expect(afterDrop.at(-1)).toBe('authorized');
    expect(afterDrop.indexOf('resuming')).toBeLessThan(afterDrop.lastIndexOf('authorized'));

    expect(await text('#state')).toBe('authorized');
    expect(await text('#last-close')).toBe('1006');
    expect(await text('#resumed')).toBe('yes');
    expect(await text('#session-id')).toBe(sessionId);
    expect(await page.locator('#gaps').isHidden()).toBe(true);
  });

  it('shows the devtools panel beside the trades: the chart of every state, the drop with its close code in the log', async () => {
    const panel = page.locator('#devtools .wsd-panel');
    await panel.locator('svg g.wsd-state[data-state="connection.authorized"].wsd-active').waitFor({ timeout: 10_000 });
    expect(await panel.locator('.wsd-badge').getAttribute('data-state')).toBe('authorized');
    const drawn = await panel.locator('svg g.wsd-state').evaluateAll((groups) => groups.map((group) => group.getAttribute('data-state')));
    for (const state of ['idle', 'resolving', 'preparing', 'connection', 'connection.opening', 'connection.initializing', 'connection.authorizing', 'connection.authorized', 'reconnecting', 'closed']) expect(drawn).toContain(state);
    // The drop of the previous test is in the log, with its close code.
    expect(await panel.locator('.wsd-log-table tbody tr[data-close="1006"]').count()).toBeGreaterThan(0);
    // The streams table fills from the feed's samples (one a second), which may come after the chart.
    await panel.locator('.wsd-streams-table tbody tr').nth(4).waitFor({ timeout: 5_000 });
    expect(await panel.locator('.wsd-streams-table tbody tr').count()).toBe(5);
    // Beside the trades, not below them (the page is wide enough).
    const trades = await page.locator('section', { has: page.locator('#trades') }).boundingBox();
    const devtools = await page.locator('section.devtools').boundingBox();
    expect(devtools?.x).toBeGreaterThan((trades?.x ?? 0) + (trades?.width ?? 0) - 1);
    expect(devtools?.y).toBe(trades?.y);
  });
});

describe('the live dashboard in shared mode', () => {
  it('serves two tabs over one connection, and the follower leads on when the leading tab closes', async () => {
    const context = await browser.newContext();
    try {
      const handshakesBefore = dashboard.server.handshakes().length;
      const first = await context.newPage();
      await first.goto(`${dashboard.url}&share=dashboard`);
      await first.locator('#role', { hasText: 'leader' }).waitFor({ timeout: 15_000 });
      const second = await context.newPage();
      await second.goto(`${dashboard.url}&share=dashboard`);
      await second.locator('#role', { hasText: 'follower' }).waitFor({ timeout: 15_000 });
      await second.waitForFunction(() => document.querySelectorAll('#trades tbody tr').length === 5, undefined, { timeout: 5_000 });
      expect(dashboard.server.handshakes().length - handshakesBefore).toBe(1);
      const sessionId = await second.locator('#session-id').textContent();

      await first.close();
      await second.locator('#role', { hasText: 'leader' }).waitFor({ timeout: 5_000 });
      await second.locator('#resumed', { hasText: 'yes' }).waitFor({ timeout: 5_000 });
      expect(await second.locator('#session-id').textContent()).toBe(sessionId);
      expect(await second.locator('#gaps').isHidden()).toBe(true);
    } finally {
      await context.close();
    }
  });
});
