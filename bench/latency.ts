/**
 * Request/response latency: round trips of `ECHO` over loopback, one at a time, wirestate's
 * `session.request()` against the baseline's hand-written correlation over raw `ws`.
 */
import { openClient, type BenchClient, type BenchCodec, type ClientKind } from './clients.js';
import type { BenchServer } from './server-control.js';
import { alternatingPercentiles, describePercentiles } from './stats.js';

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
    const byKind = await alternatingPercentiles(['baseline', 'wirestate'] as const, rounds, async (kind) => {
      await server.command('reset');
      const client = await openClient(kind, { endpointUrl: server.endpointUrl, codec, streams: [], onData: () => {} });
      try {
        await roundTrips(client, Math.ceil(count / 10));
        return await roundTrips(client, count);
      } finally {
        await client.close();
      }
    });
    for (const [kind, { p50, p99, p999 }] of byKind) results.push({ codec, kind, p50, p99, p999, samples: count * rounds });
    log(`latency ${codec}: ${[...byKind].map(([kind, figures]) => describePercentiles(kind, figures)).join(', ')}`);
  }
  return results;
}
