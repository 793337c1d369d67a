/**
 * End-to-end tail latency: the server stamps each message with its wall clock just before
 * publishing it, at a steady rate over many streams, and each client records how long after the
 * stamp its observer got the message. Baseline and wirestate run one after the other, alternating,
 * against the same server process, so an offset between the two processes' clocks adds the same
 * amount to both: the difference of two percentiles is free of it, the ratio nearly so.
 */
import { openClient, type BenchCodec, type ClientKind } from './clients.js';
import { benchStreamNames } from './payloads.js';
import type { BenchServer } from './server-control.js';
import { alternatingPercentiles, describePercentiles } from './stats.js';

/** Stamp-to-observer figures of one client, in microseconds (medians over the rounds). */
export interface TailLatencyResult {
  readonly codec: BenchCodec;
  readonly kind: ClientKind;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  /** Messages observed per round. */
  readonly samplesPerRound: number;
  readonly rounds: number;
}

/** The load of the measurement: the 5,000 msg/s over 100 streams. */
export interface TailLatencyLoad {
  readonly streams: number;
  readonly ratePerSecond: number;
  readonly durationMs: number;
}

/** Messages of the first part of a round, while the JIT warms up, that do not count. */
const WARM_UP_SHARE = 0.2;

async function measureRound(server: BenchServer, kind: ClientKind, codec: BenchCodec, load: TailLatencyLoad): Promise<number[]> {
  await server.command('reset');
  const delays: number[] = [];
  const onData = (data: unknown) => {
    const now = performance.timeOrigin + performance.now();
    delays.push((now - (data as { t: number }).t) * 1_000);
  };
  const client = await openClient(kind, { endpointUrl: server.endpointUrl, codec, streams: benchStreamNames(load.streams, 'tail'), onData });
  try {
    await server.command('waitSubscribed', { count: load.streams });
    const { published } = await server.command<{ published: number }>('stampedFlow', {
      streams: load.streams,
      prefix: 'tail',
      ratePerSecond: load.ratePerSecond,
      durationMs: load.durationMs,
    });
    // The last messages may still be in flight: wait a little, bounded.
    const deadline = performance.now() + 2_000;
    while (delays.length < published && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    if (delays.length < published) throw new Error(`${kind} ${codec}: observed ${delays.length} of ${published} stamped messages`);
    return delays.slice(Math.floor(delays.length * WARM_UP_SHARE));
  } finally {
    await client.close();
  }
}

/**
 * Runs `rounds` alternating rounds of baseline and wirestate per codec and reports, per client,
 * the median over the rounds of each round's p50, p99 and p99.9.
 */
export async function runTailLatency(
  server: BenchServer,
  codecs: readonly BenchCodec[],
  load: TailLatencyLoad,
  rounds: number,
  log: (line: string) => void,
): Promise<TailLatencyResult[]> {
  const results: TailLatencyResult[] = [];
  for (const codec of codecs) {
    const byKind = await alternatingPercentiles(['baseline', 'wirestate'] as const, rounds, (kind) => measureRound(server, kind, codec, load));
    for (const [kind, { p50, p99, p999, samplesPerRound }] of byKind) results.push({ codec, kind, p50, p99, p999, samplesPerRound, rounds });
    log(`tail latency ${codec}: ${[...byKind].map(([kind, figures]) => describePercentiles(kind, figures)).join(', ')}`);
  }
  return results;
}
