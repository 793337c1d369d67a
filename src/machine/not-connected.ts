import { ConnectionLostError } from '../errors.js';

/** The error a send gets when it reaches the machine between connections; the correlator re-queues or fails it by its own rule. */
export function notConnectedError(): ConnectionLostError {
  return new ConnectionLostError('not sent: connection down');
}
