/**
 * Throughput in Chromium (native WebSocket): a raw `WebSocket` + `JSON.parse` + `Map` client against
 * a wirestate session, JSON trades over 100 streams, the bench server in a process of its own.
 *
 * Each measurement: the page's client subscribes, the page holds its main thread (a synchronous
 * request to the page server, see bench/browser-page.ts), the bench has the server publish a burst
 * while the hold lasts and ends the hold once the server has written all of it, and the clock runs
 * in the page from the end of the hold to the delivery of the burst's last message. As in the Node
 * bench (bench/throughput.ts), the server did its work before the clock started, so the figure is
 * what the client can consume. The page's main-thread busy time (CDP TaskDuration) over the burst,
 * without the hold, is kept beside it. The page is driven over the bare DevTools protocol
 * (bench/chromium-page.ts), not Playwright, whose Network domain would report every frame.
 */
import { startPageHost } from './browser-host.js';
import type { PageMeasurement } from './browser-page.js';
import { busySeconds, launchChromium, whenGlobalSet, type Chromium, type ChromiumPage } from './chromium-page.js';
import { benchStreamNames } from './payloads.js';
import type { BenchServer } from './server-control.js';
import { within } from './stats.js';

/** The two clients of the page. */
export const BROWSER_CLIENTS = ['raw', 'wirestate'] as const;
/** `raw` (WebSocket + JSON.parse + Map) or `wirestate` (a session). */
export type BrowserClient = (typeof BROWSER_CLIENTS)[number];

/** What one section run measures. */
export interface BrowserOptions {
  readonly streams: number;
  /** Messages per burst. */
  readonly count: number;
  /** Measured runs per client, after one warm-up run each. */
  readonly runs: number;
}

/** One measured burst of one client. */
export interface BrowserRun {
  /** Messages per second from the end of the hold to the last delivery. */
  readonly rate: number;
  /** Main-thread busy time per message, in microseconds, the hold left out. */
  readonly busyUs: number;
  readonly holdMs: number;
  /** How long the server took to encode and queue the burst. */
  readonly publishMs: number;
  /** From the end of the hold to the first delivery. */
  readonly firstDeliveryMs: number;
}

/** Every measured run per client: run i of both clients ran back to back. */
export interface BrowserResult {
  readonly options: BrowserOptions;
  /** Chromium's version, e.g. `156.0.8078.114`. */
  readonly chromium: string;
  readonly runs: Readonly<Record<BrowserClient, readonly BrowserRun[]>>;
}

/** Bounds of the page's steps; a burst of 100,000 drains in about 6 s on the 2-core machine here. */
const OPEN_LIMIT_MS = 30_000;
const MEASURE_LIMIT_MS = 120_000;
const COMMAND_LIMIT_MS = 30_000;



/** Fails the run when the backlog did not build as the method needs. */
function checkBacklog(client: BrowserClient, measurement: PageMeasurement, count: number): void {
  if (measurement.deliveredDuringHold !== 0) {
    throw new Error(`${client}: ${measurement.deliveredDuringHold} messages were delivered during the hold, before the clock started`);
  }
  if (measurement.burst.deliveries !== count) {
    throw new Error(`${client}: the server queued ${measurement.burst.deliveries} deliveries for a burst of ${count}; one subscribed session was expected`);
  }
}

async function measureOnce(page: ChromiumPage, server: BenchServer, client: BrowserClient, options: BrowserOptions): Promise<BrowserRun> {
  await within(server.command('reset'), COMMAND_LIMIT_MS, 'the server reset');
  const streams = benchStreamNames(options.streams);
  await page.evaluate(`bench.open(${JSON.stringify(client)}, ${JSON.stringify(server.endpointUrl)}, ${JSON.stringify(streams)})`, OPEN_LIMIT_MS);
  try {
    await within(server.command('waitSubscribed', { count: options.streams, timeoutMs: COMMAND_LIMIT_MS }), COMMAND_LIMIT_MS + 1_000, `${client} subscribing`);
    // A full collection first, as in the Node bench: the previous client's garbage is not collected on this one's clock.
    await page.send('HeapProfiler.collectGarbage');
    const busyBefore = await busySeconds(page);
    const measurement = await page.evaluate<PageMeasurement>(`bench.measure(${options.count})`, MEASURE_LIMIT_MS);
    const busyAfter = await busySeconds(page);
    checkBacklog(client, measurement, options.count);
    // The hold is one task of its own, as long as the hold: it is the bench's wait, not the client's work.
    const busySecondsOfBurst = busyAfter - busyBefore - measurement.holdMs / 1_000;
    return {
      rate: (options.count * 1_000) / measurement.drainMs,
      busyUs: (busySecondsOfBurst / options.count) * 1e6,
      holdMs: measurement.holdMs,
      publishMs: measurement.burst.publishMs,
      firstDeliveryMs: measurement.firstDeliveryMs,
    };
  } finally {
    await page.evaluate('bench.close()', OPEN_LIMIT_MS);
  }
}

function describe(run: BrowserRun): string {
  return `${Math.round(run.rate).toLocaleString('en-US')}/s, ${run.busyUs.toFixed(2)} µs/msg busy`;
}

/**
 * Runs raw and wirestate alternately in one Chromium page: a warm-up run of each, then
 * `options.runs` measured runs of each, so that a noisy moment on the machine hurts both alike.
 */
export async function runBrowser(server: BenchServer, options: BrowserOptions, log: (line: string) => void): Promise<BrowserResult> {
  const host = await startPageHost((count) => server.command('burst', { streams: options.streams, count, size: 'small' }));
  let browser: Chromium | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.openPage(host.url);
    await page.evaluate(whenGlobalSet('bench'), OPEN_LIMIT_MS);
    await page.send('Performance.enable');
    const runs: Record<BrowserClient, BrowserRun[]> = { raw: [], wirestate: [] };
    for (let run = 0; run <= options.runs; run++) {
      const outcomes = [];
      for (const client of BROWSER_CLIENTS) {
        const outcome = await measureOnce(page, server, client, options);
        outcomes.push(`${client} ${describe(outcome)}`);
        // Run 0 warms the JIT and the sockets up; it does not count.
        if (run > 0) runs[client].push(outcome);
      }
      log(`browser ${run === 0 ? 'warm-up' : `run ${run}`}: ${outcomes.join('; ')}`);
    }
    return { options, chromium: browser.version, runs };
  } finally {
    await browser?.close();
    await host.close();
  }
}
