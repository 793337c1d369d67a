import { OptionsError, SessionClosedError } from '../errors.js';

/**
 * Why `stream(name)` cannot be observed now, or undefined when it can: a name that is not a
 * non-empty string, or a session that has closed (`closed` carries the error it ended with).
 * Shared by the session's stream registry and a shared session's tab, which refuse alike.
 */
export function observeRefusal(name: unknown, closed: { readonly error: Error | undefined } | undefined): Error | undefined {
  if (typeof name !== 'string' || name.length === 0) {
    return new OptionsError('stream name must be a non-empty string');
  }
  if (closed !== undefined) return new SessionClosedError(undefined, { cause: closed.error });
  return undefined;
}
