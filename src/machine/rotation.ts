import { MAX_TIMER_DELAY_MS } from '../constants.js';
import type { RotationOptions } from './types.js';

/**
 * The shortest lifetime a connection is rotated for. A server announcing less would have the
 * session open a replacement every few milliseconds; such a lifetime is ignored (the connection is
 * then resumed after it closes, as without rotation).
 */
export const MIN_ROTATION_LIFETIME_MS = 50;

/** The default margin is a tenth of the lifetime, at most this: 30 s before a 60-minute limit. */
export const MAX_DEFAULT_ROTATION_MARGIN_MS = 30_000;

/**
 * How long from `now` until the serving connection should be replaced, or undefined when it should
 * not be (rotation off, no known lifetime, or one below {@link MIN_ROTATION_LIFETIME_MS}).
 * The default margin never exceeds half the lifetime, and one given never 90% of it, so rotations
 * cannot follow each other back to back.
 *
 * @example
 * ```ts
 * rotationDelayMs({}, 3_600_000, openedAt, openedAt); // 3_570_000: 30 s before the hour
 * ```
 */
export function rotationDelayMs(options: RotationOptions | false | undefined, announcedMs: number | undefined, openedAt: number, now: number): number | undefined {
  const marginMs = rotationMarginMs(options, announcedMs);
  if (marginMs === undefined) return undefined;
  const lifetimeMs = (options === false ? undefined : options?.lifetimeMs) ?? (announcedMs as number);
  return Math.min(Math.max(0, lifetimeMs - marginMs - (now - openedAt)), MAX_TIMER_DELAY_MS);
}

/**
 * How long after a failed rotation the next try comes: the reconnect backoff, but never sooner
 * than a quarter of the margin, so a server that refuses at once sees a handful of tries before
 * the lifetime ends rather than a storm. Undefined when the connection is not rotated.
 *
 * @example
 * ```ts
 * rotationRetryDelayMs({}, 3_600_000, 250); // 7_500: a quarter of the 30 s margin
 * ```
 */
export function rotationRetryDelayMs(options: RotationOptions | false | undefined, announcedMs: number | undefined, backoffMs: number): number | undefined {
  const marginMs = rotationMarginMs(options, announcedMs);
  return marginMs === undefined ? undefined : Math.min(Math.max(backoffMs, marginMs / 4), MAX_TIMER_DELAY_MS);
}

function rotationMarginMs(options: RotationOptions | false | undefined, announcedMs: number | undefined): number | undefined {
  if (options === false) return undefined;
  const lifetimeMs = options?.lifetimeMs ?? announcedMs;
  if (lifetimeMs === undefined || !(lifetimeMs >= MIN_ROTATION_LIFETIME_MS)) return undefined;
  // A margin given explicitly may reach 90% of the lifetime; the default stays at most half of it.
  return options?.marginMs === undefined ? Math.min(lifetimeMs / 10, MAX_DEFAULT_ROTATION_MARGIN_MS, lifetimeMs / 2) : Math.min(options.marginMs, lifetimeMs * 0.9);
}
