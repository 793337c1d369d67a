/**
 * Request/response latency: round trips of `ECHO` over loopback, one at a time, wirestate's
 * `session.request()` against the baseline's hand-written correlation over raw `ws`.
 */
import { openClient, type BenchClient, type BenchCodec, type ClientKind } from './clients.js';
import type { BenchServer } from './server-control.js';
import { median, percentile } from './stats.js';

/** Latency figures of one client and codec, in microseconds. */
export interface LatencyResult {
  readonly codec: BenchCodec;
  readonly kind: ClientKind;
  readonly p50: number;
  readonly p99: number;
  /** Few samples fall beyond it (2 of 2,000 per round in a full run): read it as a trend. */
  readonly p999: number;
  readonly samples: number;
}

const PARAMS = { symbol: 'BTCUSDT', side: 'buy', quantity: '0.01000000', price: '43000.12' };

async function roundTrips(client: BenchClient, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await client.request('ECHO', PARAMS);
    times.push((performance.now() - started) * 1_000);
  }
  return times;
}

/**
 * Measures `count` sequential round trips per client and codec after `count / 10` for warm-up,
 * in `rounds` alternating rounds, and reports the median of each round's p50 and p99.
 */
export async function runLatency(
  server: BenchServer,
  codecs: readonly BenchCodec[],
  count: number,
  rounds: number,
  log: (line: string) => void,
): Promise<LatencyResult[]> {
  const results: LatencyResult[] = [];
  for (const codec of codecs) {
    const perKind = new Map<ClientKind, { p50: number[]; p99: number[]; p999: number[] }>();
    for (let round = 0; round < rounds; round++) {
      for (const kind of ['baseline', 'wirestate'] as const) {
        await server.command('reset');
        const client = await openClient(kind, { endpointUrl: server.endpointUrl, codec, streams: [], onData: () => {} });
        try {
          await roundTrips(client, Math.ceil(count / 10));
          const times = await roundTrips(client, count);
          const entry = perKind.get(kind) ?? { p50: [], p99: [], p999: [] };
          entry.p50.push(percentile(times, 50));
          entry.p99.push(percentile(times, 99));
          entry.p999.push(percentile(times, 99.9));
          perKind.set(kind, entry);
        } finally {
          await client.close();
        }
      }
    }
    for (const [kind, entry] of perKind) {
      results.push({ codec, kind, p50: median(entry.p50), p99: median(entry.p99), p999: median(entry.p999), samples: count * rounds });
    }
    log(
      `latency ${codec}: ` +
        results
          .filter((result) => result.codec === codec)
          .map((result) => `${result.kind} p50 ${result.p50.toFixed(0)} µs p99 ${result.p99.toFixed(0)} µs p99.9 ${result.p999.toFixed(0)} µs`)
          .join(', '),
    );
  }
  return results;
}
