/** Small statistics and formatting helpers of the benchmark. */

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The rank (1-based, in ascending order) of the `p`-th percentile of `count` values, by nearest rank. */
export function nearestRank(p: number, count: number): number {
  return Math.min(count, Math.max(1, Math.ceil((p / 100) * count)));
}

/** The `p`-th percentile (nearest rank, 0 < p <= 100); NaN when empty. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  if (p === 50 && sorted.length % 2 === 0) return ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
  return sorted[nearestRank(p, sorted.length) - 1] as number;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1234567` → `1,234,567`. */
export function formatInteger(value: number): string {
  return Number.isFinite(value) ? integer.format(value) : '–';
}

/** A ratio as `0.93x`. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)}x` : '–';
}

/** Bytes as `812 B`, `3.4 KiB`, `12.1 MiB`. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const size = Math.abs(bytes);
  if (size < 1024) return `${sign}${size.toFixed(0)} B`;
  if (size < 1024 * 1024) return `${sign}${(size / 1024).toFixed(1)} KiB`;
  return `${sign}${(size / 1024 / 1024).toFixed(1)} MiB`;
}

/** Resolves with `promise`, or rejects after `ms` with `what` in the message. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `measure` for each of `kinds` in turn, `rounds` times, and gives every round's samples per
 * kind, in round order: alternating kinds round by round makes a noisy moment hurt them alike.
 */
export async function alternatingSamples<K extends string>(
  kinds: readonly K[],
  rounds: number,
  measure: (kind: K, round: number) => Promise<readonly number[]>,
): Promise<Map<K, (readonly number[])[]>> {
  const samples = new Map<K, (readonly number[])[]>(kinds.map((kind) => [kind, []]));
  for (let round = 0; round < rounds; round++) {
    for (const kind of kinds) samples.get(kind)?.push(await measure(kind, round));
  }
  return samples;
}

/** A small seeded generator (mulberry32), so a report's interval does not change between renderings of the same figures. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The geometric mean of positive `values` without the highest and the lowest (when there are at
 * least four): one round hit by a long stall of another process, or one unusually quiet round,
 * does not move it.
 */
export function trimmedGeometricMean(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const kept = sorted.length >= 4 ? sorted.slice(1, -1) : sorted;
  if (kept.length === 0) return Number.NaN;
  return Math.exp(kept.reduce((sum, value) => sum + Math.log(value), 0) / kept.length);
}

/** A ratio with the bounds of its bootstrap interval. */
export interface RatioInterval {
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
}

/**
 * `statistic(numerator) / statistic(denominator)` with a 95% bootstrap interval. The two sides are
 * paired by round (round `i` of each ran back to back, so a noisy moment hit both): `iterations`
 * times, rounds are drawn with replacement, the same rounds for both sides, and the ratio taken again.
 */
export function bootstrapRatio(
  numerator: readonly number[],
  denominator: readonly number[],
  statistic: (values: readonly number[]) => number,
  iterations = 2_000,
  seed = 1,
): RatioInterval {
  if (numerator.length !== denominator.length) throw new Error('bootstrapRatio pairs rounds: both sides need as many');
  const random = seededRandom(seed);
  const ratios: number[] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    const rounds = Array.from({ length: numerator.length }, () => Math.floor(random() * numerator.length));
    ratios.push(statistic(rounds.map((round) => numerator[round] as number)) / statistic(rounds.map((round) => denominator[round] as number)));
  }
  return { ratio: statistic(numerator) / statistic(denominator), low: percentile(ratios, 2.5), high: percentile(ratios, 97.5) };
}
