/** Number and time formatting shared by the demo's views. */

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `12345` → `12,345`. */
export function formatCount(value: number): string {
  return counts.format(value);
}

/** Milliseconds as `850 ms` or `1.53 s`. */
export function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(2)} s`;
}

/** Elapsed time for a line prefix: `  4.0s`. */
export function formatElapsed(ms: number): string {
  return `${(ms / 1_000).toFixed(1).padStart(5)}s`;
}

/** Pads or cuts `text` to exactly `width` characters. */
export function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}

const BARS = '▁▂▃▄▅▆▇█';

/** A sparkline of `values` scaled to their maximum. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(1, ...values);
  return values.map((value) => BARS[Math.min(BARS.length - 1, Math.round((value / max) * (BARS.length - 1)))] ?? ' ').join('');
}
