/**
 * Reconnect backoff: exponential growth with full jitter, as pure functions. The machine asks for
 * one delay per reconnect; randomness is injected so that tests can pin it.
 */

/** How reconnect delays grow (the `reconnect` option). */
export interface BackoffOptions {
  /**
   * Ceiling of the first delay, in milliseconds.
   * @default 250
   */
  readonly initialDelayMs: number;
  /**
   * No delay exceeds this, in milliseconds, however many attempts failed (long backoffs included).
   * @default 30_000
   */
  readonly maxDelayMs: number;
  /**
   * Growth of the ceiling per attempt. At least 1; 1 keeps every ceiling at `initialDelayMs`.
   * @default 2
   */
  readonly multiplier: number;
  /**
   * How much longer a long backoff is (close 1013, "try again later"). At least 1.
   * @default 8
   */
  readonly longDelayFactor: number;
  /**
   * Consecutive reconnect attempts before the session gives up and closes with an error.
   * `Infinity` never gives up; 0 never reconnects.
   * @default Infinity
   */
  readonly maxAttempts: number;
  /**
   * How long a connection must stay authorized before it counts as healthy. Only then do the
   * attempt count, the backoff and the fresh-token retry start over: a server that accepts, answers
   * the handshake and drops again (a crash loop, an overloaded gateway, a too-short maximum
   * lifetime) keeps the backoff growing and uses up `maxAttempts` instead of being reconnected at
   * once for ever. 0 resets them as soon as the session is authorized (not recommended).
   * @default 5_000
   */
  readonly minUptimeMs: number;
}

/** The defaults of {@link BackoffOptions}: 250 ms doubling up to 30 s, long backoffs 8 times longer, never giving up. */
export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  multiplier: 2,
  longDelayFactor: 8,
  maxAttempts: Infinity,
  minUptimeMs: 5_000,
});

/** Which kind of wait a close asked for. */
export type BackoffKind = 'backoff' | 'long-backoff';

/**
 * The upper bound of the delay before reconnect attempt `attempt` (0 for the first):
 * `min(maxDelayMs, initialDelayMs * multiplier^attempt)`, times `longDelayFactor` for a long
 * backoff before the cap. Always finite and at least 0, even for huge attempt numbers.
 *
 * @example
 * ```ts
 * backoffCeiling(3, DEFAULT_BACKOFF);                 // 2000
 * backoffCeiling(3, DEFAULT_BACKOFF, 'long-backoff'); // 16000
 * backoffCeiling(1e9, DEFAULT_BACKOFF);               // 30000
 * ```
 */
export function backoffCeiling(attempt: number, options: BackoffOptions, kind: BackoffKind = 'backoff'): number {
  const { initialDelayMs: initial, maxDelayMs: cap, multiplier } = options;
  // 0 * Infinity is NaN: a zero initial delay stays zero however far the growth overflows.
  if (initial === 0 || cap === 0) return 0;
  const steps = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  const factor = kind === 'long-backoff' ? options.longDelayFactor : 1;
  // Overflow to Infinity is fine here: every factor is positive, so the product is never NaN, and the cap bounds it.
  const ceiling = initial * Math.pow(multiplier, steps) * factor;
  return Math.min(cap, ceiling);
}

/**
 * The delay before reconnect attempt `attempt`, with full jitter: uniformly random between 0 and
 * {@link backoffCeiling}. Full jitter spreads a crowd of clients that lost the same server over the
 * whole window instead of bringing them back in waves.
 *
 * @param random - A source of numbers in [0, 1), usually `Math.random`; values outside are clamped.
 * @returns whole milliseconds, `0 <= delay <= backoffCeiling(attempt, options, kind)`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number, kind: BackoffKind = 'backoff'): number {
  const ceiling = backoffCeiling(attempt, options, kind);
  const draw = random();
  const fraction = draw > 0 ? Math.min(draw, 1) : 0; // also maps NaN to 0
  return Math.floor(fraction * ceiling);
}
