/**
 * The timer functions the streams layer uses, injectable so tests can drive time by hand and so
 * the layer never holds on to a platform-specific timer type.
 */

/** `setTimeout`/`clearTimeout` as the streams layer needs them; the handle is opaque. */
export interface Timers {
  /** Calls `callback` once after `ms` milliseconds; returns a handle for {@link Timers.clearTimeout}. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a timer created by {@link Timers.setTimeout}; unknown or spent handles are ignored. */
  clearTimeout(handle: unknown): void;
}

/**
 * The platform's timers, looked up on every call (not captured once) so that test tools which swap
 * the globals, such as `vi.useFakeTimers()`, take effect.
 */
export const platformTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
};

