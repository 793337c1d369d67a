/** The rules the per-call options of `request()`, `ready()` and `waitFor()` share. */
import { OptionsError } from '../errors.js';
import { numberOption, POSITIVE_OR_INFINITY } from './number-option.js';

/**
 * A per-call `timeoutMs` (of `request()`, `ready()` and `waitFor()`): like the session's
 * `requestTimeoutMs`, a positive number of milliseconds or `Infinity` (no timeout); 0 and negative
 * numbers are refused rather than meaning "at once". Larger values than timers hold (2^31-1 ms,
 * about 24.8 days) are clamped to that by the timers. Throws the OptionsError when it is wrong.
 */
export function checkTimeoutMs(timeoutMs: unknown): number | undefined {
  return numberOption('timeoutMs', timeoutMs, POSITIVE_OR_INFINITY);
}

/** Throws an OptionsError unless `signal` is undefined or an AbortSignal (anything with an `addEventListener`, as the waits use). */
export function checkSignal(signal: unknown): void {
  if (signal !== undefined && typeof (signal as Partial<AbortSignal> | null)?.addEventListener !== 'function') {
    throw new OptionsError('signal must be an AbortSignal');
  }
}
