/** The payloads and stream names of the benchmark, shared by the server process and the report. */
import { SymbolMarket, seededRandom } from '../src/testing/market-data.js';

/** Payload kinds: a trade (about 120 bytes of JSON) or a 20-level depth update (about 1 KiB). */
export type PayloadSize = 'small' | 'large';

/** How many distinct payloads a burst cycles through. */
export const POOL_SIZE = 64;

/** Deterministic payloads of one kind, from the market simulator's generators. */
export function payloadPool(size: PayloadSize): unknown[] {
  const market = new SymbolMarket('btcusdt', seededRandom(7), 20);
  const now = 1_700_000_000_000;
  return Array.from({ length: POOL_SIZE }, (_, index) => (size === 'small' ? market.trade(now + index) : market.depth(now + index)));
}

/** Stream names of a benchmark run: `bench.0` … `bench.<n-1>`. */
export function benchStreamNames(count: number, prefix = 'bench'): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}.${index}`);
}
