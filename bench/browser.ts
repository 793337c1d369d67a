/**
 * Throughput in Chromium (native WebSocket): a raw `WebSocket` + `JSON.parse` + `Map` client
 * against a wirestate session, 100 streams, the reference server in this Node process. Same
 * method as the Node bench: alternating runs, each a burst of trades spread over the streams, timed
 * in the page from the first to the last message; the median of the runs per client, the ratio
 * taken against the raw client of the same run.
 *
 *   node --import tsx bench/browser.ts [runs] [burst]      prints messages per second and the ratio
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { createTestServer, type TestServer } from '../src/testing/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/chromium.js';
import type { BurstTiming } from './browser-page.js';
import { payloadPool } from './payloads.js';
import { median } from './stats.js';

const STREAMS = Array.from({ length: 100 }, (_, index) => `bench.${index}`);
const HTML = '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/page.js"></script>';
type Kind = 'raw' | 'wirestate';

async function servePage(): Promise<Server> {
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
  const script = bundled.outputFiles[0]?.text ?? '';
  const http = createServer((request, response) => {
    response.writeHead(200, { 'content-type': request.url === '/page.js' ? 'text/javascript' : 'text/html' });
    response.end(request.url === '/page.js' ? script : HTML);
  });
  return new Promise((resolve) => http.listen(0, '127.0.0.1', () => resolve(http)));
}

/** Publishes `count` trades round-robin over the streams, in chunks so the socket drains between them. */
function publish(server: TestServer, count: number): Promise<void> {
  const pool = payloadPool('small');
  return new Promise((resolve) => {
    let sent = 0;
    const chunk = () => {
      for (let index = 0; index < 1_000 && sent < count; index++, sent++) server.publish(STREAMS[sent % STREAMS.length] as string, pool[sent % pool.length]);
      if (sent < count) setImmediate(chunk);
      else resolve();
    };
    chunk();
  });
}

/** The page's main-thread busy time so far, in seconds (CDP TaskDuration). */
async function busySeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
}

interface RunResult {
  /** Messages per second from the first to the last message. */
  readonly rate: number;
  /** Main-thread busy time per message, in microseconds: the client's own cost. */
  readonly busyUs: number;
}

async function oneRun(page: Page, cdp: CDPSession, server: TestServer, kind: Kind, count: number): Promise<RunResult> {
  await page.evaluate(([k, endpoint, streams]) => (globalThis as unknown as { bench: { open: (...a: unknown[]) => Promise<void> } }).bench.open(k, endpoint, streams), [kind, server.endpointUrl, STREAMS] as const);
  const deadline = Date.now() + 10_000;
  while (!STREAMS.every((name) => server.hasSubscribers(name))) {
    if (Date.now() > deadline) throw new Error(`${kind}: the streams were not subscribed`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await page.evaluate((n) => (globalThis as unknown as { bench: { arm: (n: number) => void } }).bench.arm(n), count);
  const timing = page.evaluate(() => (globalThis as unknown as { bench: { arrived: () => Promise<BurstTiming> } }).bench.arrived());
  const busyBefore = await busySeconds(cdp);
  await publish(server, count);
  const { firstAt, lastAt } = await timing;
  const busyAfter = await busySeconds(cdp);
  await page.evaluate(() => (globalThis as unknown as { bench: { close: () => Promise<void> } }).bench.close());
  return { rate: ((count - 1) / (lastAt - firstAt)) * 1_000, busyUs: ((busyAfter - busyBefore) / count) * 1e6 };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const count = Number(process.argv[3] ?? 50_000);
  const http = await servePage();
  const server = await createTestServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(http.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (globalThis as { bench?: unknown }).bench !== undefined);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    // A warm-up run of each, not counted.
    for (const kind of ['raw', 'wirestate'] as const) await oneRun(page, cdp, server, kind, Math.ceil(count / 5));
    const results: Record<Kind, RunResult[]> = { raw: [], wirestate: [] };
    const rateRatios: number[] = [];
    const costRatios: number[] = [];
    for (let run = 0; run < runs; run++) {
      const raw = await oneRun(page, cdp, server, 'raw', count);
      const ours = await oneRun(page, cdp, server, 'wirestate', count);
      results.raw.push(raw);
      results.wirestate.push(ours);
      rateRatios.push(ours.rate / raw.rate);
      costRatios.push(raw.busyUs / ours.busyUs);
      console.log(
        `run ${run + 1}: raw ${Math.round(raw.rate)} msgs/s ${raw.busyUs.toFixed(2)} µs/msg, wirestate ${Math.round(ours.rate)} msgs/s ${ours.busyUs.toFixed(2)} µs/msg`,
      );
    }
    const range = (values: number[]) => `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`;
    console.log(
      `Chromium, JSON trades, 100 streams, ${count} messages a run, median of ${runs}: ` +
        `rate raw ${Math.round(median(results.raw.map((r) => r.rate)))} msgs/s, wirestate ${Math.round(median(results.wirestate.map((r) => r.rate)))} msgs/s, ` +
        `ratio ${median(rateRatios).toFixed(2)}x (${range(rateRatios)}); main-thread cost raw ${median(results.raw.map((r) => r.busyUs)).toFixed(2)} µs/msg, ` +
        `wirestate ${median(results.wirestate.map((r) => r.busyUs)).toFixed(2)} µs/msg, throughput-equivalent ratio ${median(costRatios).toFixed(2)}x (${range(costRatios)})`,
    );
    await cdp.detach();
  } finally {
    await browser.close();
    await server.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
