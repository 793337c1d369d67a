import type { ProtocolRequest } from '../protocol/types.js';
import type { SendRequest } from './requests.js';

/**
 * Sends a subscribe or unsubscribe to a server that never answers it (`acknowledgesSubscriptions:
 * false`, e.g. seed-003 servers): resolves as soon as the request was handed to the socket, and
 * rejects only when the send itself failed (oversize, not connected). Nothing is awaited, so no
 * timeout and no retry: the request goes out once per connection, and the registry counts the
 * stream as on the server from the moment it was sent.
 *
 * An answer the server sends anyway finds no outstanding id and is ignored. A send error reported
 * after this settles (none of today's senders does that) is dropped: the connection's close
 * reports what happened.
 *
 * @example
 * ```ts
 * await sendUnacknowledged(send, nextId, { kind: 'subscribe', streams: ['btcusdt@trade'] });
 * ```
 */
export function sendUnacknowledged(send: SendRequest, nextId: () => number, request: ProtocolRequest): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed: Error | undefined;
    try {
      send(nextId(), request, (error) => (failed ??= error));
    } catch (error) {
      failed = error instanceof Error ? error : new Error(String(error));
    }
    // Today's senders report a failed send synchronously; a microtask leaves room for one that reports at once but later in the same tick.
    queueMicrotask(() => (failed === undefined ? resolve() : reject(failed)));
  });
}
