/**
 * Checks of what the session's methods take per call (`request()`'s options, `close()`'s lack of
 * arguments), by the same rules as `createSession`'s options: an unknown key or a wrong value is
 * an OptionsError naming it. Methods that return a promise reject with it rather than throw;
 * `close()` closes anyway and reports it.
 */
import { OptionsError } from '../errors.js';
import type { SessionRequestOptions } from './api.js';
import { checkSignal, checkTimeoutMs } from './call-option-rules.js';
import { keysOf, nestedOptions } from './option-keys.js';

/** Every key of {@link SessionRequestOptions}. */
const REQUEST_OPTION_KEYS = keysOf({ timeoutMs: true, signal: true, idempotent: true } satisfies Record<keyof SessionRequestOptions, true>);

/**
 * The OptionsError for bad `request()` options, as a rejected promise (requests reject, they never
 * throw), else undefined: not an object (`request must be an object`), an unknown key (`request.timeotMs is not an option`), a
 * `timeoutMs` that {@link checkTimeoutMs} refuses, a `signal` that is not an AbortSignal, a
 * non-boolean `idempotent`. Costs a key scan of the (usually empty) options object per request.
 *
 * @example
 * ```ts
 * const refused = refusedRequestOptions(options);
 * if (refused !== undefined) return refused;
 * ```
 */
export function refusedRequestOptions(options: unknown): Promise<never> | undefined {
  try {
    const { timeoutMs, signal, idempotent } = nestedOptions('request', options, REQUEST_OPTION_KEYS) as SessionRequestOptions;
    checkTimeoutMs(timeoutMs);
    checkSignal(signal);
    if (idempotent !== undefined && typeof idempotent !== 'boolean') throw new OptionsError('idempotent must be a boolean');
    return undefined;
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

/**
 * The OptionsError to report for a WebSocket-style `close(code, reason)`, else undefined. `close()`
 * takes neither: the session picks its close code itself (1000). Such a call still closes (that is
 * what its caller wants), and the error goes to `errors$` so the ignored code is not silent.
 * Refusing the call instead would turn `close` used as a Node listener (`ws.on('close',
 * session.close)`, `process.once('beforeExit', session.close)`, handed a number first) into an
 * unhandled rejection. Only a number first or a string second is reported; other arguments (the
 * event of `addEventListener('pagehide', session.close)`) are ignored.
 *
 * @example
 * ```ts
 * async close(...given: unknown[]) {
 *   const ignored = ignoredCloseArguments(given);
 *   if (ignored !== undefined) errors$.next(ignored);
 *   // …
 * }
 * ```
 */
export function ignoredCloseArguments(given: readonly unknown[]): OptionsError | undefined {
  if (typeof given[0] !== 'number' && typeof given[1] !== 'string') return undefined;
  return new OptionsError('close takes no code or reason');
}
