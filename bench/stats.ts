/** Small statistics and formatting helpers of the benchmark. */

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * The run-by-run ratios `a[i] / b[i]` (as many as the shorter side): runs i of both ran back to
 * back, so each ratio compares them under the same conditions, and a disturbed moment shifts both.
 */
export function runByRunRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.slice(0, b.length).map((value, index) => value / (b[index] as number));
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
