/**
 * End-to-end tail latency: the server stamps each message with its wall clock just before
 * publishing it, at a steady rate over many streams, and each client records how long after the
 * stamp its observer got the message. Baseline and wirestate run one after the other, alternating,
 * against the same server process, so an offset between the two processes' clocks adds the same
 * amount to both: the difference of two percentiles is free of it, the ratio nearly so.
 *
 * The p99.9 of one round rests on a few dozen samples, and a tail on a shared machine is made of
 * stalls (the process not scheduled, a collection) that hit many consecutive messages at once: one
 * stall more or less in a round moves that round's p99.9 by a factor of two, and one long stall of
 * another process (tens of milliseconds) sets the p99.9 of every sample pooled. So the p99.9
 * reported is the geometric mean of the rounds' p99.9 without the highest and the lowest round
 * (`trimmedGeometricMean`), with a 95% bootstrap interval of the ratio over the rounds; the pooled
 * p99.9 is kept beside it.
 */
import { openClient, type BenchCodec, type ClientKind } from './clients.js';
import { benchStreamNames } from './payloads.js';
import type { BenchServer } from './server-control.js';
import { alternatingSamples, bootstrapRatio, percentile, trimmedGeometricMean, type RatioInterval } from './stats.js';

/** Stamp-to-observer figures of one client, in microseconds. */
export interface TailLatencyResult {
  readonly codec: BenchCodec;
  readonly kind: ClientKind;
  /** Percentiles of all rounds' samples pooled. */
  readonly p50: number;
  readonly p99: number;
  readonly pooledP999: number;
  /** The rounds' p99.9 by {@link trimmedGeometricMean}: the figure the target is read on. */
  readonly p999: number;
  /** Each round's p99.9, in round order. */
  readonly roundP999s: readonly number[];
  /** Messages observed per round (after the warm-up). */
  readonly samplesPerRound: number;
  readonly rounds: number;
  /** Wirestate only: its p99.9 over the baseline's, with a 95% bootstrap interval over the rounds. */
  readonly p999Ratio?: RatioInterval;
}

/** The load of the measurement: the 5,000 msg/s over 100 streams. */
export interface TailLatencyLoad {
  readonly streams: number;
  readonly ratePerSecond: number;
  readonly durationMs: number;
}

/** Messages of the first part of a round, while the JIT warms up, that do not count. */
const WARM_UP_SHARE = 0.2;

/** One round of one client: the stamp-to-observer delays of the messages after the warm-up, in arrival order. */
export async function measureRound(server: BenchServer, kind: ClientKind, codec: BenchCodec, load: TailLatencyLoad): Promise<number[]> {
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

/** `p50 57 µs p99 140 µs p99.9 4000 µs (rounds 3100-5200 µs)`, for the log. */
function describe(result: TailLatencyResult): string {
  const rounds = [...result.roundP999s].sort((a, b) => a - b);
  return `${result.kind} p50 ${result.p50.toFixed(0)} µs p99 ${result.p99.toFixed(0)} µs p99.9 ${result.p999.toFixed(0)} µs (rounds ${rounds[0]?.toFixed(0)}-${rounds.at(-1)?.toFixed(0)} µs, pooled ${result.pooledP999.toFixed(0)} µs)`;
}

/**
 * Runs `rounds` alternating rounds of baseline and wirestate per codec and reports, per client, the
 * pooled p50 and p99, the p99.9 of the rounds (trimmed geometric mean) and pooled, and for wirestate
 * the p99.9 ratio with its interval.
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
    const byKind = await alternatingSamples(['baseline', 'wirestate'] as const, rounds, (kind) => measureRound(server, kind, codec, load));
    const roundP999sOf = (perRound: readonly (readonly number[])[]) => perRound.map((samples) => percentile(samples, 99.9));
    const baselineP999s = roundP999sOf(byKind.get('baseline') ?? []);
    const line: string[] = [];
    for (const [kind, perRound] of byKind) {
      const pooled = perRound.flat();
      const roundP999s = roundP999sOf(perRound);
      const p999Ratio = kind === 'wirestate' ? bootstrapRatio(roundP999s, baselineP999s, trimmedGeometricMean) : undefined;
      const result: TailLatencyResult = {
        codec,
        kind,
        p50: percentile(pooled, 50),
        p99: percentile(pooled, 99),
        pooledP999: percentile(pooled, 99.9),
        p999: trimmedGeometricMean(roundP999s),
        roundP999s,
        samplesPerRound: perRound[0]?.length ?? 0,
        rounds,
        ...(p999Ratio === undefined ? {} : { p999Ratio }),
      };
      results.push(result);
      line.push(describe(result) + (p999Ratio === undefined ? '' : `, p99.9 ratio ${p999Ratio.ratio.toFixed(2)}x (95% ${p999Ratio.low.toFixed(2)}-${p999Ratio.high.toFixed(2)})`));
    }
    log(`tail latency ${codec}: ${line.join(', ')}`);
  }
  return results;
}
