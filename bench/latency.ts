/**
 * Request/response latency: round trips of `ECHO` over loopback, one at a time, wirestate's
 * `session.request()` against the baseline's hand-written correlation over raw `ws`.
 *
 * Each client runs in a process of its own (bench/latency-child.ts), as a bot runs one client:
 * sharing a process, each client's turns evicted the other's code and data from the caches and
 * left its garbage in a common heap, which cost the client with more code more (JSON: 1.11x, against 1.05x in
 * processes of their own, medians of 8 alternating runs) and made the figure depend on what the
 * bench ran before. Both are connected at once and take turns of 100 round trips
 * (baseline, wirestate, wirestate, baseline, ...: who goes first alternates), so both meet the
 * same moments of a shared machine within a fraction of a second; each round is a fresh pair of
 * connections. The p50 ratio is taken per round and the median over the rounds reported, with
 * their range: a round whose machine was busier is busier for both clients.
 */
import { BenchChild, startAll } from './child-process.js';
import type { BenchCodec, ClientKind } from './clients.js';
import type { LatencyChildConfig } from './latency-child.js';
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
  /**
   * The median over the rounds of the round's p50 of the first round trip of each turn, which runs
   * after the other client's turn, on caches it filled: a request after a pause. These are 1 in
   * {@link TURN} of the samples, so they set the p99.
   */
  readonly firstOfTurnP50: number;
  readonly samples: number;
  /** Wirestate only: the median over the rounds of the round's p50 ratio to the baseline's, and their range. */
  readonly p50Ratio?: { readonly median: number; readonly low: number; readonly high: number; readonly rounds: number };
}

const CHILD_SCRIPT = new URL('./latency-child.ts', import.meta.url);
/** Round trips a client makes in a row before the other takes its turn. */
const TURN = 100;
/** A turn of 100 round trips takes about 10 ms; opening or closing a client, a few. */
const ANSWER_TIMEOUT_MS = 30_000;

/** Each client's times, all of them and the first of each turn apart. */
interface TurnTimes {
  readonly all: number[][];
  readonly firstOfTurn: number[][];
}

/** `count` round trips per client, taking turns of {@link TURN}; returns each client's times. */
async function takingTurns(clients: readonly BenchChild[], count: number, firstTurn: number): Promise<TurnTimes> {
  const times: number[][] = clients.map(() => []);
  const firstOfTurn: number[][] = clients.map(() => []);
  for (let done = 0, turn = 0; done < count; done += TURN, turn++) {
    // ABBA: each client goes first as often as second. Turns of many round trips, not one, keep each
    // client's code and data as warm as a client running alone: single alternation measured cold
    // caches, which cost the client with more code on its path more (1.10x where turns gave 1.04x).
    const first = (turn + firstTurn) % 2;
    for (const index of [first, 1 - first]) {
      const reply = (await (clients[index] as BenchChild).ask(`turn ${Math.min(TURN, count - done)}`, ANSWER_TIMEOUT_MS, 'turn')) as { times: number[] };
      times[index]?.push(...reply.times);
      if (reply.times[0] !== undefined) firstOfTurn[index]?.push(reply.times[0]);
    }
  }
  return { all: times, firstOfTurn };
}

/** Starts one client process per kind (none is left running if one fails). */
function startClients(kinds: readonly ClientKind[], codec: BenchCodec, endpointUrl: string): Promise<BenchChild[]> {
  return startAll(
    kinds.map(async (kind) => (await BenchChild.start(CHILD_SCRIPT, { kind, codec, endpointUrl } satisfies LatencyChildConfig, `${kind} latency client process`)).child),
  );
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
    const perRound = kinds.map(() => ({ p50: [] as number[], p99: [] as number[], p999: [] as number[], firstOfTurnP50: [] as number[] }));
    const ratios: number[] = [];
    const clients = await startClients(kinds, codec, server.endpointUrl);
    try {
      for (let round = 0; round < rounds; round++) {
        await server.command('reset');
        for (const client of clients) await client.ask('open', ANSWER_TIMEOUT_MS, 'open');
        await takingTurns(clients, Math.ceil(count / 10), round);
        const { all: times, firstOfTurn } = await takingTurns(clients, count, round);
        for (const client of clients) await client.ask('close', ANSWER_TIMEOUT_MS, 'close');
        for (const [index, samples] of times.entries()) {
          perRound[index]?.p50.push(percentile(samples, 50));
          perRound[index]?.p99.push(percentile(samples, 99));
          perRound[index]?.p999.push(percentile(samples, 99.9));
          perRound[index]?.firstOfTurnP50.push(percentile(firstOfTurn[index] ?? [], 50));
        }
        ratios.push(percentile(times[1] ?? [], 50) / percentile(times[0] ?? [], 50));
      }
    } finally {
      await Promise.all(clients.map((client) => client.stop()));
    }
    const sortedRatios = [...ratios].sort((a, b) => a - b);
    const p50Ratio = { median: median(ratios), low: sortedRatios[0] ?? Number.NaN, high: sortedRatios.at(-1) ?? Number.NaN, rounds };
    const line: string[] = [];
    for (const [index, kind] of kinds.entries()) {
      const figures = perRound[index] as { p50: number[]; p99: number[]; p999: number[]; firstOfTurnP50: number[] };
      const result: LatencyResult = {
        codec,
        kind,
        p50: median(figures.p50),
        p99: median(figures.p99),
        p999: median(figures.p999),
        firstOfTurnP50: median(figures.firstOfTurnP50),
        samples: count * rounds,
        ...(kind === 'wirestate' ? { p50Ratio } : {}),
      };
      results.push(result);
      line.push(`${kind} p50 ${result.p50.toFixed(0)} µs p99 ${result.p99.toFixed(0)} µs p99.9 ${result.p999.toFixed(0)} µs first of a turn p50 ${result.firstOfTurnP50.toFixed(0)} µs`);
    }
    log(`latency ${codec}: ${line.join(', ')}; p50 ratio ${p50Ratio.median.toFixed(3)}x (rounds ${p50Ratio.low.toFixed(3)}-${p50Ratio.high.toFixed(3)})`);
  }
  return results;
}
