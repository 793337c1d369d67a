import { MAX_TIMER_DELAY_MS } from '../streams/timers.js';
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
 * The margin never exceeds half the lifetime, so rotations cannot follow each other back to back.
 *
 * @example
 * ```ts
 * rotationDelayMs({}, 3_600_000, openedAt, openedAt); // 3_570_000: 30 s before the hour
 * ```
 */
export function rotationDelayMs(options: RotationOptions | false | undefined, announcedMs: number | undefined, openedAt: number, now: number): number | undefined {
  if (options === false) return undefined;
  const lifetimeMs = options?.lifetimeMs ?? announcedMs;
  if (lifetimeMs === undefined || !(lifetimeMs >= MIN_ROTATION_LIFETIME_MS)) return undefined;
  const marginMs = Math.min(options?.marginMs ?? Math.min(lifetimeMs / 10, MAX_DEFAULT_ROTATION_MARGIN_MS), lifetimeMs / 2);
  return Math.min(Math.max(0, lifetimeMs - marginMs - (now - openedAt)), MAX_TIMER_DELAY_MS);
}
