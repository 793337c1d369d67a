/**
 * The page of serveDevtools in Debian's Chromium (playwright-core): it shows the live session,
 * and a file written by recordSession opened in it replays, step by step, to the same sequence of
 * highlighted states as the session went through.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecording, recordSession, serveDevtools, type TransitionRecord } from '../../src/devtools/node.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.js';
import { waitForState } from '../helpers/session-waits.js';
import { afterThisTest, openSession, startServer } from './fixtures.js';

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

describe('the devtools page', () => {
  it('shows the live session, then replays its recording to the same highlighted states', async () => {
    const server = await startServer({ auth: { tokens: ['page-token-31337'] } });
    const dir = await mkdtemp(join(tmpdir(), 'wirestate-page-'));
    afterThisTest(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'bot.jsonl');
    const session = openSession({ balancer: server.balancerUrl, auth: { token: 'page-token-31337' } });
    const recorder = recordSession(session, path);
    afterThisTest(() => recorder.close());
    const devtools = await serveDevtools(session, { port: 0 });
    afterThisTest(() => devtools.close());
    session.start();
    await waitForState(session, 'authorized');
    server.faults.dropConnection();
    await waitForState(session, 'resuming');
    await waitForState(session, 'authorized');

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    afterThisTest(() => page.close());
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(devtools.url);
    await page.locator('svg g.wsd-state[data-state="connection.authorized"].wsd-active').waitFor({ timeout: 15_000 });
    expect(await page.locator('.wsd-badge').getAttribute('data-state')).toBe('authorized');

    await recorder.flush();
    const records = parseRecording(readFileSync(path, 'utf8'));
    const recorded = records.filter((record): record is TransitionRecord => record.type === 'transition').map((record) => record.state[0] as string);
    await page.locator('.wsd-open-input').setInputFiles(path);
    await page.locator('.wsd-replay:not([hidden])').waitFor();
    expect(await page.locator('.wsd-mode').textContent()).toBe('replay of bot.jsonl');

    // Step through: after each step, the highlighted top-level state.
    const highlighted = () => page.locator('svg g.wsd-state.wsd-active').evaluateAll((groups) => groups.map((group) => group.getAttribute('data-state') as string).filter((id) => !id.includes('.')));
    expect(await highlighted()).toEqual(['idle']);
    const replayed: string[] = [];
    for (let step = 0; step < recorded.length; step++) {
      await page.locator('.wsd-step-forward').click();
      replayed.push(...(await highlighted()));
    }
    expect(replayed).toEqual(recorded);
    expect(replayed).toEqual(expect.arrayContaining(['reconnecting', 'preparing', 'connection']));
    expect(records.flatMap((record) => (record.type === 'transition' ? [record.value] : []))).toEqual(expect.arrayContaining(['reconnecting', 'resuming', 'authorized']));
    expect(await page.locator('.wsd-log-table tbody tr[data-close="1006"]').count()).toBe(1);

    const html = await page.content();
    expect(html).not.toContain('page-token-31337');
    expect(html).not.toContain(session.actor.getSnapshot().context.resumeId);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
