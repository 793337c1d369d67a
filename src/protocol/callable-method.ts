import { OptionsError, ReservedMethodError, type WirestateError } from '../errors.js';
import type { Protocol } from './types.js';

/**
 * Why `request(method)` must not be sent, or undefined when it may: the method is not a non-empty
 * string ({@link OptionsError}), or the protocol reserves it for the session's own use
 * ({@link ReservedMethodError}).
 *
 * @example
 * ```ts
 * refusedMethod(referenceProtocol(), 'UNSUBSCRIBE'); // ReservedMethodError
 * refusedMethod(referenceProtocol(), 'ECHO');        // undefined
 * ```
 */
export function refusedMethod(protocol: Protocol, method: unknown): WirestateError | undefined {
  if (typeof method !== 'string' || method.length === 0) {
    return new OptionsError('method must be a non-empty string');
  }
  if (protocol.reservedMethods?.includes(method) === true) return new ReservedMethodError(method, protocol.name);
  return undefined;
}
