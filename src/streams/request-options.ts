import type { ProtocolRequest } from '../protocol/types.js';
import type { Timers } from './timers.js';

/**
 * Sends one request with its correlation id. The protocol turns it into a packet and the socket
 * sends it. A send that fails (the message is over the size limit, the socket is not open, the codec
 * cannot encode the params) reports through `onSendError`, synchronously or later; throwing from
 * `send` is treated the same way.
 *
 * Which errors mean what: an error whose `code` is `'connection'` (a {@link ConnectionLostError})
 * means "the socket was not there": the request is handled as if the connection dropped under it
 * (re-queued when idempotent, rejected with {@link ConnectionLostError} otherwise). Any other error,
 * such as an {@link OversizeMessageError}, rejects the request with that very error.
 */
export type SendRequest = (id: number, request: ProtocolRequest, onSendError: (error: Error) => void) => void;

/** Options of {@link RequestCorrelator}. */
export interface RequestCorrelatorOptions {
  /** Hands out correlation ids; share it with every other sender on the same connection (see `createIdSource`). */
  readonly nextId: () => number;
  /** Sends a request; see {@link SendRequest}. */
  readonly send: SendRequest;
  /**
   * How long a request may take, from the call to `request()` until its answer, in milliseconds.
   * The clock starts at the call, not at the send, so time spent queued while the session is not
   * ready counts: a caller waits at most this long whatever the connection does. `Infinity` waits
   * for ever (only closing the session or an abort ends such a request). Trusted as given: the
   * session validates it (`requestTimeoutMs`).
   * @default 10_000
   */
  readonly defaultTimeoutMs?: number;
  /**
   * How many requests may wait for the session to become ready. One more rejects at once with
   * {@link QueueFullError}, so a long outage cannot grow memory without bound. Idempotent requests
   * that were already sent and are re-queued after a connection drop do not count against it.
   * A positive integer, trusted as given (the session validates `maxQueuedRequests`).
   * @default 1000
   */
  readonly maxQueued?: number;
  /** Timer functions (tests inject their own). @default the platform's `setTimeout`/`clearTimeout` */
  readonly timers?: Timers;
  /**
   * The clock the timeouts are counted on, in milliseconds; it must agree with `timers`.
   * @default `performance.now()` (looked up on every call, so fake timers that replace it apply)
   */
  readonly now?: () => number;
  /**
   * Why requests are waiting, for the message of a request that times out before it was ever sent
   * (a {@link RequestTimeoutError} with `sent: false`). A session says which state it is in and
   * how the last connection ended.
   * @default () => 'the session is not ready'
   */
  readonly whyNotSent?: () => string;
}

/** Per-request options of {@link RequestCorrelator.request}. */
export interface RequestOptions {
  /** Overrides the correlator's `defaultTimeoutMs` for this request; `Infinity` disables the timeout. Positive; trusted as given. */
  readonly timeoutMs?: number;
  /** Aborting it removes the request (queued or in flight) and rejects it with {@link RequestAbortedError}. A late answer is ignored. */
  readonly signal?: AbortSignal;
  /**
   * Whether sending the request twice is harmless. An idempotent request that is in flight when the
   * connection drops is sent again (with a new id) once the session is ready; any other request
   * rejects with {@link ConnectionLostError}, because the server may or may not have acted on it.
   * @default false
   */
  readonly idempotent?: boolean;
}
