/**
 * Throughput: stream messages delivered to observers per second.
 *
 * Each measurement: the client subscribes, pauses its socket, the server publishes a burst that
 * piles up in its output, the client resumes, and the clock runs from the resume to the delivery of
 * the burst's last message. The server did its work before the clock started, so the figure is
 * what the client can consume, not what the server can produce.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openClient, type BenchCodec, type ClientKind } from './clients.js';
import { benchStreamNames, type PayloadSize } from './payloads.js';
import type { BenchServer } from './server-control.js';
import { median, runByRunRatios, within } from './stats.js';

// A full collection before each measurement, so that one client's garbage (10,000 multiplex
// subscriptions, say) is not collected on the next client's clock. Exposed at run time because
// `npm run bench` starts node without --expose-gc.
setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** One throughput case: a codec, a payload size, a stream count, and which clients run it. */
export interface ThroughputCase {
  readonly codec: BenchCodec;
  readonly size: PayloadSize;
  readonly streams: number;
  /** Messages per burst for each client that runs the case. */
  readonly counts: Partial<Record<ClientKind, number>>;
  /** Measured runs of this case, when not the default (a slow case may take fewer). */
  readonly runs?: number;
  /** Whether a warm-up run comes first. @default true */
  readonly warmUp?: boolean;
}

/** The medians of one case. */
export interface ThroughputResult {
  readonly case: ThroughputCase;
  /** Median messages per second, per client. */
  readonly rates: Partial<Record<ClientKind, number>>;
  /**
   * Median messages per second of the client's own CPU time (user + system) while it consumed the
   * burst: less sensitive than wall time to other processes competing for the cores.
   */
  readonly cpuRates: Partial<Record<ClientKind, number>>;
  /** Every run's rate, per client (run i of every client ran back to back). */
  readonly runs: Partial<Record<ClientKind, number[]>>;
  /** Every run's rate by CPU time, per client. */
  readonly cpuRuns: Partial<Record<ClientKind, number[]>>;
}

/** The median of the run-by-run ratios `a[i] / b[i]` ({@link runByRunRatios}); NaN when a side is missing. */
export function pairedRatio(a: readonly number[] | undefined, b: readonly number[] | undefined): number {
  if (a === undefined || b === undefined) return Number.NaN;
  return median(runByRunRatios(a, b));
}

/** SUBSCRIBE packets a client sent to subscribe a case's streams (counted by the server). */
export type SubscribePackets = Partial<Record<ClientKind, number>>;

async function measureOnce(server: BenchServer, kind: ClientKind, testCase: ThroughputCase, count: number): Promise<{ rate: number; cpuRate: number; subscribePackets: number }> {
  await server.command('reset');
  let delivered = 0;
  let finish!: (at: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const onData = () => {
    if (++delivered === count) finish(performance.now());
  };
  const client = await openClient(kind, {
    endpointUrl: server.endpointUrl,
    codec: testCase.codec,
    streams: benchStreamNames(testCase.streams),
    onData,
  });
  try {
    await server.command('waitSubscribed', { count: testCase.streams });
    const { count: subscribePackets } = await server.command<{ count: number }>('countPackets', { method: 'SUBSCRIBE' });
    client.pause();
    await server.command('burst', { streams: testCase.streams, count, size: testCase.size });
    collectGarbage();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    client.resume();
    const ended = await within(finished, 120_000, `${kind} ${testCase.codec}/${testCase.size}/${testCase.streams}`);
    const cpu = process.cpuUsage(cpuBefore);
    return { rate: (count * 1_000) / (ended - started), cpuRate: (count * 1e6) / (cpu.user + cpu.system), subscribePackets };
  } finally {
    await client.close();
  }
}

/**
 * Runs every case `runs` times per client after one warm-up, alternating clients run by run so that
 * a noisy moment on the machine hurts all of them alike, and keeps the medians.
 */
export async function runThroughput(
  server: BenchServer,
  cases: readonly ThroughputCase[],
  runs: number,
  log: (line: string) => void,
): Promise<{ results: ThroughputResult[]; subscribePackets: Map<ThroughputCase, SubscribePackets> }> {
  const results: ThroughputResult[] = [];
  const packets = new Map<ThroughputCase, SubscribePackets>();
  for (const testCase of cases) {
    const kinds = Object.keys(testCase.counts) as ClientKind[];
    const all: Partial<Record<ClientKind, number[]>> = {};
    const cpuAll: Partial<Record<ClientKind, number[]>> = {};
    const casePackets: SubscribePackets = {};
    const firstRun = testCase.warmUp === false ? 1 : 0;
    for (let run = firstRun; run <= (testCase.runs ?? runs); run++) {
      for (const kind of kinds) {
        const outcome = await measureOnce(server, kind, testCase, testCase.counts[kind] as number);
        casePackets[kind] = outcome.subscribePackets;
        // Run 0 warms the JIT and the sockets up; it does not count.
        if (run > 0) {
          (all[kind] ??= []).push(outcome.rate);
          (cpuAll[kind] ??= []).push(outcome.cpuRate);
        }
      }
    }
    const rates: Partial<Record<ClientKind, number>> = {};
    const cpuRates: Partial<Record<ClientKind, number>> = {};
    for (const kind of kinds) {
      rates[kind] = median(all[kind] ?? []);
      cpuRates[kind] = median(cpuAll[kind] ?? []);
    }
    results.push({ case: testCase, rates, cpuRates, runs: all, cpuRuns: cpuAll });
    packets.set(testCase, casePackets);
    log(
      `throughput ${testCase.codec}/${testCase.size}/${testCase.streams} streams: ` +
        kinds.map((kind) => `${kind} ${Math.round(rates[kind] ?? 0).toLocaleString('en-US')}/s`).join(', '),
    );
  }
  return { results, subscribePackets: packets };
}
