/**
 * Request/response latency: round trips of `ECHO` over loopback, one at a time, wirestate's
 * `session.request()` against the baseline's hand-written correlation over raw `ws`.
 *
 * Both clients are connected at once and take turns of 100 round trips (baseline, wirestate,
 * wirestate, baseline, ...: who goes first alternates), so both meet the same moments of a shared
 * machine within a fraction of a second; each round is a fresh pair of connections. The p50 ratio is
 * taken per round and the median over the rounds reported, with their range: a round whose
 * machine was busier is busier for both clients.
 */
import { openClient, type BenchClient, type BenchCodec, type ClientKind } from './clients.js';
import type { BenchServer } from './server-control.js';
import { median, percentile } from './stats.js';

/** Latency figures of one client and codec, in microseconds. */
export interface LatencyResult {
  readonly codec: BenchCodec;
  readonly kind: ClientKind;
  /** The median over the rounds of each round's percentile. */
  readonly p50: number;
  readonly p99: number;
  /** Few samples fall beyond it (2 of 2,000 per round in a full run): read it as a trend. */
  readonly p999: number;
  readonly samples: number;
  /** Wirestate only: the median over the rounds of the round's p50 ratio to the baseline's, and their range. */
  readonly p50Ratio?: { readonly median: number; readonly low: number; readonly high: number; readonly rounds: number };
}

const PARAMS = { symbol: 'BTCUSDT', side: 'buy', quantity: '0.01000000', price: '43000.12' };

async function timedRoundTrip(client: BenchClient): Promise<number> {
  const started = performance.now();
  await client.request('ECHO', PARAMS);
  return (performance.now() - started) * 1_000;
}

/** Round trips a client makes in a row before the other takes its turn. */
const TURN = 100;

/** `count` round trips per client, taking turns of {@link TURN}; returns each client's times. */
async function takingTurns(clients: readonly BenchClient[], count: number, firstTurn: number): Promise<number[][]> {
  const times: number[][] = clients.map(() => []);
  for (let done = 0, turn = 0; done < count; done += TURN, turn++) {
    // ABBA: each client goes first as often as second. Turns of many round trips, not one, keep each
    // client's code and data as warm as a client running alone: single alternation measured cold
    // caches, which cost the client with more code on its path more (1.10x where turns gave 1.04x).
    const first = (turn + firstTurn) % 2;
    for (const index of [first, 1 - first]) {
      const client = clients[index] as BenchClient;
      for (let made = 0; made < Math.min(TURN, count - done); made++) times[index]?.push(await timedRoundTrip(client));
    }
  }
  return times;
}

/**
 * Measures `count` round trips per client and codec in each of `rounds` rounds, after `count / 10`
 * for warm-up, the two clients taking turns, and reports the median of each round's p50, p99 and
 * p99.9, and for wirestate the median and range of the rounds' p50 ratios.
 */
export async function runLatency(
  server: BenchServer,
  codecs: readonly BenchCodec[],
  count: number,
  rounds: number,
  log: (line: string) => void,
): Promise<LatencyResult[]> {
  const results: LatencyResult[] = [];
  const kinds = ['baseline', 'wirestate'] as const;
  for (const codec of codecs) {
    const perRound = kinds.map(() => ({ p50: [] as number[], p99: [] as number[], p999: [] as number[] }));
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      await server.command('reset');
      const clients: BenchClient[] = [];
      try {
        for (const kind of kinds) clients.push(await openClient(kind, { endpointUrl: server.endpointUrl, codec, streams: [], onData: () => {} }));
        await takingTurns(clients, Math.ceil(count / 10), round);
        const times = await takingTurns(clients, count, round);
        for (const [index, samples] of times.entries()) {
          perRound[index]?.p50.push(percentile(samples, 50));
          perRound[index]?.p99.push(percentile(samples, 99));
          perRound[index]?.p999.push(percentile(samples, 99.9));
        }
        ratios.push(percentile(times[1] ?? [], 50) / percentile(times[0] ?? [], 50));
      } finally {
        for (const client of clients) await client.close();
      }
    }
    const sortedRatios = [...ratios].sort((a, b) => a - b);
    const p50Ratio = { median: median(ratios), low: sortedRatios[0] ?? Number.NaN, high: sortedRatios.at(-1) ?? Number.NaN, rounds };
    const line: string[] = [];
    for (const [index, kind] of kinds.entries()) {
      const figures = perRound[index] as { p50: number[]; p99: number[]; p999: number[] };
      const result: LatencyResult = {
        codec,
        kind,
        p50: median(figures.p50),
        p99: median(figures.p99),
        p999: median(figures.p999),
        samples: count * rounds,
        ...(kind === 'wirestate' ? { p50Ratio } : {}),
      };
      results.push(result);
      line.push(`${kind} p50 ${result.p50.toFixed(0)} µs p99 ${result.p99.toFixed(0)} µs p99.9 ${result.p999.toFixed(0)} µs`);
    }
    log(`latency ${codec}: ${line.join(', ')}; p50 ratio ${p50Ratio.median.toFixed(3)}x (rounds ${p50Ratio.low.toFixed(3)}-${p50Ratio.high.toFixed(3)})`);
  }
  return results;
}
