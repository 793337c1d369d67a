import { MAX_TIMER_DELAY_MS } from '../constants.js';
import { OptionsError } from '../errors.js';
import type { RotationOptions } from './types.js';

/**
 * The shortest time from a connection's opening to its rotation, whatever `reconnect.minUptimeMs`
 * says: rotations (and retries of failed ones) are never closer together than this, so even a
 * session with `minUptimeMs: 0` cannot open a replacement every few milliseconds.
 */
export const MIN_ROTATION_LIFETIME_MS = 50;

/** The default margin is a tenth of the lifetime, at most this: 30 s before a 60-minute limit. */
export const MAX_DEFAULT_ROTATION_MARGIN_MS = 30_000;

/**
 * How long from `now` until the serving connection should be replaced, or undefined when it should
 * not be: rotation off, no known lifetime, or a lifetime that leaves the connection no time to
 * prove itself.
 *
 * A rotation opens a connection, so it obeys the reconnect rule: only a connection that has proved
 * itself (stayed `authorized` for `minUptimeMs`, reached at `healthyAt`) is replaced. A lifetime
 * minus margin shorter than `max(minUptimeMs, MIN_ROTATION_LIFETIME_MS)` is not rotated at all: the
 * server's close at the lifetime is then handled like any drop of a young connection (resumed
 * after a backoff that keeps growing), so a server announcing a lifetime of a few milliseconds
 * cannot turn rotation into a reconnect storm. Rotations are therefore at least `minUptimeMs`
 * apart. The default margin never exceeds half the lifetime, and one given never 90% of it.
 *
 * @example
 * ```ts
 * rotationDelayMs({}, 3_600_000, openedAt, openedAt, 5_000); // 3_570_000: 30 s before the hour
 * rotationDelayMs({}, 400, openedAt, openedAt, 5_000);       // undefined: it cannot prove itself first
 * ```
 */
export function rotationDelayMs(
  options: RotationOptions | false | undefined,
  announcedMs: number | undefined,
  openedAt: number,
  now: number,
  minUptimeMs = 0,
  healthyAt = now,
): number | undefined {
  const marginMs = rotationMarginMs(options, announcedMs);
  if (marginMs === undefined) return undefined;
  const lifetimeMs = (options === false ? undefined : options?.lifetimeMs) ?? (announcedMs as number);
  if (lifetimeMs - marginMs < Math.max(minUptimeMs, MIN_ROTATION_LIFETIME_MS)) return undefined;
  const dueAt = Math.max(openedAt + lifetimeMs - marginMs, healthyAt);
  return Math.min(Math.max(0, dueAt - now), MAX_TIMER_DELAY_MS);
}

/**
 * How long after a failed rotation the next try comes: the reconnect backoff, but never sooner
 * than a quarter of the margin (so a server that refuses at once sees a handful of tries before
 * the lifetime ends rather than a storm) nor than {@link MIN_ROTATION_LIFETIME_MS}. Undefined when
 * the connection is not rotated.
 *
 * @example
 * ```ts
 * rotationRetryDelayMs({}, 3_600_000, 250); // 7_500: a quarter of the 30 s margin
 * ```
 */
export function rotationRetryDelayMs(options: RotationOptions | false | undefined, announcedMs: number | undefined, backoffMs: number): number | undefined {
  const marginMs = rotationMarginMs(options, announcedMs);
  return marginMs === undefined ? undefined : Math.min(Math.max(backoffMs, marginMs / 4, MIN_ROTATION_LIFETIME_MS), MAX_TIMER_DELAY_MS);
}

/**
 * Checks a `rotation` option against the reconnect rule: a lifetime you give must leave, after the
 * margin, at least `reconnect.minUptimeMs` (and {@link MIN_ROTATION_LIFETIME_MS}), or the session
 * could never rotate a connection that has proved itself; a margin must be shorter than the
 * lifetime. A margin given alone is checked against the announced lifetime when it arrives.
 *
 * @throws OptionsError naming the rule broken.
 *
 * @example
 * ```ts
 * validateRotation({ lifetimeMs: 50, marginMs: 45 }, 5_000); // throws: 5 ms left, 5_000 needed
 * validateRotation({ lifetimeMs: 3_600_000 }, 5_000);        // ok
 * ```
 */
export function validateRotation(options: RotationOptions | false, minUptimeMs: number): void {
  if (options === false || options.lifetimeMs === undefined) return;
  const { lifetimeMs, marginMs } = options;
  if (marginMs !== undefined && marginMs >= lifetimeMs) throw new OptionsError('rotation.marginMs must be shorter than rotation.lifetimeMs');
  const needed = Math.max(minUptimeMs, MIN_ROTATION_LIFETIME_MS);
  if (lifetimeMs - (rotationMarginMs(options, undefined) ?? 0) < needed) {
    throw new OptionsError(`rotation.lifetimeMs must exceed its margin by reconnect.minUptimeMs (${needed} ms)`);
  }
}

function rotationMarginMs(options: RotationOptions | false | undefined, announcedMs: number | undefined): number | undefined {
  if (options === false) return undefined;
  const lifetimeMs = options?.lifetimeMs ?? announcedMs;
  if (lifetimeMs === undefined || !(lifetimeMs >= MIN_ROTATION_LIFETIME_MS)) return undefined;
  // A margin given explicitly may reach 90% of the lifetime; the default stays at most half of it.
  return options?.marginMs === undefined ? Math.min(lifetimeMs / 10, MAX_DEFAULT_ROTATION_MARGIN_MS, lifetimeMs / 2) : Math.min(options.marginMs, lifetimeMs * 0.9);
}
