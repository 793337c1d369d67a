import {
  ConnectionLostError,
  QueueFullError,
  RequestAbortedError,
  RequestTimeoutError,
  ServerError,
  SessionClosedError,
} from '../errors.js';
import type { ProtocolRequest, ResponseError } from '../protocol/types.js';
import { MAX_TIMER_DELAY_MS, platformTimers, type Timers } from './timers.js';

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

/** One request from `request()` until it settles. */
interface Outstanding {
  /** Position in arrival order, to keep the queue FIFO when in-flight requests are re-queued. */
  readonly order: number;
  readonly request: ProtocolRequest;
  readonly method: string;
  readonly idempotent: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** The id of the current send; undefined while queued. */
  id: number | undefined;
  /** Whether it was sent at least once (a re-queued idempotent request was). */
  everSent: boolean;
  timer: unknown;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
}

/** How a request is named in errors (`ServerError.method`, `RequestTimeoutError.method`): the method of a call, else its kind. */
function methodOf(request: ProtocolRequest): string {
  return request.kind === 'call' ? request.method : request.kind;
}

/**
 * Correlates requests with their responses by id, with a timeout per request, abort through an
 * `AbortSignal`, and a bounded FIFO queue for requests made while the session is not ready.
 *
 * The session drives it: `setReady(true)` once the connection is authorized (flushes the queue in
 * order), `connectionLost()` when the socket drops, `handleResult`/`handleError` for every response
 * packet, and `closeAll(error)` when the session ends. It holds no timer while nothing is pending.
 *
 * @example
 * ```ts
 * const correlator = new RequestCorrelator({ nextId, send: (id, request, onError) => socket.send(protocol.encodeRequest(id, request), onError) });
 * correlator.setReady(true);
 * const echoed = await correlator.request({ kind: 'call', method: 'ECHO', params: 1 }, { timeoutMs: 2000 });
 * ```
 */
export class RequestCorrelator {
  private readonly nextId: () => number;
  private readonly send: SendRequest;
  private readonly defaultTimeoutMs: number;
  private readonly maxQueued: number;
  private readonly timers: Timers;
  private readonly whyNotSent: () => string;
  /** Requests waiting for the session to be ready, in FIFO order (a Set keeps insertion order and deletes in O(1)). */
  private queue = new Set<Outstanding>();
  /** Requests sent and awaiting their answer, by id. */
  private readonly inFlight = new Map<number, Outstanding>();
  private ready = false;
  private closedWith: Error | undefined;
  private arrivals = 0;

  constructor(options: RequestCorrelatorOptions) {
    this.nextId = options.nextId;
    this.send = options.send;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 10_000;
    this.maxQueued = options.maxQueued ?? 1000;
    this.timers = options.timers ?? platformTimers;
    this.whyNotSent = options.whyNotSent ?? (() => 'the session is not ready');
  }

  /**
   * Sends a request (or queues it until the session is ready) and resolves with the server's result.
   *
   * Rejects with {@link ServerError} when the server answers with an error, {@link RequestTimeoutError}
   * when no answer came within the timeout (counted from this call), {@link RequestAbortedError} when
   * the signal aborts (at once if it already has), {@link QueueFullError} when the session is not
   * ready and the queue is full, {@link ConnectionLostError} when the connection dropped under a
   * request that is not idempotent, the send error (for example {@link OversizeMessageError}) when
   * the message could not be sent, and {@link SessionClosedError} (or the error given to `closeAll`)
   * once the session is closed.
   */
  request(request: ProtocolRequest, options: RequestOptions = {}): Promise<unknown> {
    const method = methodOf(request);
    if (this.closedWith !== undefined) {
      return Promise.reject(this.closedError());
    }
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(new RequestAbortedError(method, { cause: signal.reason }));
    }
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    if (!this.ready && this.queue.size >= this.maxQueued) {
      return Promise.reject(new QueueFullError(this.maxQueued));
    }
    return new Promise<unknown>((resolve, reject) => {
      const entry: Outstanding = {
        order: this.arrivals++,
        request,
        method,
        idempotent: options.idempotent ?? false,
        resolve,
        reject,
        id: undefined,
        everSent: false,
        timer: undefined,
        signal,
        onAbort: undefined,
        settled: false,
      };
      if (timeoutMs !== Infinity) {
        entry.timer = this.timers.setTimeout(
          () => this.settle(entry, this.timeoutError(entry, timeoutMs)),
          Math.min(timeoutMs, MAX_TIMER_DELAY_MS),
        );
      }
      if (signal !== undefined) {
        entry.onAbort = () => this.settle(entry, new RequestAbortedError(method, { cause: signal.reason }));
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      if (this.ready) {
        this.dispatch(entry);
      } else {
        this.queue.add(entry);
      }
    });
  }

  /**
   * Tells the correlator whether requests may be sent now. `true` sends every queued request in
   * FIFO order (stopping if the session stops being ready on the way); `false` makes new requests
   * queue. It does not touch requests in flight: use {@link RequestCorrelator.connectionLost} for that.
   */
  setReady(ready: boolean): void {
    if (this.closedWith !== undefined) return;
    this.ready = ready;
    if (!ready || this.queue.size === 0) return;
    // Snapshot, so a request re-queued by a failing send during this flush waits for the next
    // ready instead of being retried in a loop.
    const waiting = Array.from(this.queue);
    for (const entry of waiting) {
      if (!this.ready) break;
      if (entry.settled || !this.queue.delete(entry)) continue;
      this.dispatch(entry);
    }
  }

  /** Resolves the request with this id. Returns false when the id is not outstanding (unknown, timed out, aborted): the answer is ignored. */
  handleResult(id: number, result: unknown): boolean {
    const entry = this.inFlight.get(id);
    if (entry === undefined) return false;
    this.settle(entry, undefined, result);
    return true;
  }

  /** Rejects the request with this id with a {@link ServerError}. Returns false when the id is not outstanding: the answer is ignored. */
  handleError(id: number, error: ResponseError): boolean {
    const entry = this.inFlight.get(id);
    if (entry === undefined) return false;
    this.settle(entry, new ServerError(entry.method, error.code, error.message, error.data));
    return true;
  }

  /**
   * The connection dropped. The correlator stops sending until `setReady(true)`. Requests in flight
   * that are idempotent go back to the queue, ahead of the requests that came after them, and are
   * sent again with a new id; the others reject with {@link ConnectionLostError}, because the server
   * may or may not have acted on them. Queued requests (never sent) stay queued. Timeouts keep
   * running from the original call.
   */
  connectionLost(): void {
    this.ready = false;
    if (this.inFlight.size === 0) return;
    const sent = Array.from(this.inFlight.values());
    this.inFlight.clear();
    const requeued: Outstanding[] = [];
    for (const entry of sent) {
      entry.id = undefined;
      if (entry.idempotent) {
        requeued.push(entry);
      } else {
        this.settle(entry, this.lostError(entry));
      }
    }
    this.requeue(requeued);
  }

  /**
   * Rejects every request, queued or in flight, with `error`, clears every timer and stops for good:
   * later calls to `request()` reject at once with a {@link SessionClosedError} whose cause is `error`
   * (or `error` itself when it is one).
   */
  closeAll(error: Error = new SessionClosedError()): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = error;
    this.ready = false;
    const everything = [...this.queue, ...this.inFlight.values()];
    this.queue.clear();
    this.inFlight.clear();
    for (const entry of everything) this.settle(entry, error);
  }

  /** Number of requests waiting for the session to be ready. */
  queuedCount(): number {
    return this.queue.size;
  }

  private dispatch(entry: Outstanding): void {
    let id = this.nextId();
    // Only matters after the id source wraps: never reuse an id that is still awaiting its answer.
    for (let tries = 0; this.inFlight.has(id) && tries <= this.inFlight.size; tries++) id = this.nextId();
    entry.id = id;
    const sentBefore = entry.everSent;
    entry.everSent = true;
    this.inFlight.set(id, entry);
    const onSendError = (error: Error): void => this.sendFailed(entry, id, error, sentBefore);
    try {
      this.send(id, entry.request, onSendError);
    } catch (error) {
      onSendError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private sendFailed(entry: Outstanding, id: number, error: Error, sentBefore: boolean): void {
    if (entry.settled || this.inFlight.get(id) !== entry) return;
    const notConnected = (error as { code?: unknown }).code === 'connection';
    if (notConnected && entry.idempotent) {
      this.inFlight.delete(id);
      entry.id = undefined;
      // This attempt never left: only an earlier one counts as sent.
      entry.everSent = sentBefore;
      this.requeue([entry]);
    } else {
      this.settle(entry, notConnected ? this.lostError(entry, error) : error);
    }
  }

  /** Puts sent requests back into the queue in their original arrival order. */
  private requeue(entries: Outstanding[]): void {
    if (entries.length === 0) return;
    const merged = [...entries, ...this.queue].sort((a, b) => a.order - b.order);
    this.queue = new Set(merged);
  }

  /** Settles a request exactly once, and drops every reference to it: timer, abort listener, queue, map. */
  private settle(entry: Outstanding, error: Error | undefined, result?: unknown): void {
    if (entry.settled) return;
    entry.settled = true;
    if (entry.timer !== undefined) this.timers.clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.onAbort !== undefined) entry.signal?.removeEventListener('abort', entry.onAbort);
    entry.onAbort = undefined;
    entry.signal = undefined;
    this.queue.delete(entry);
    if (entry.id !== undefined && this.inFlight.get(entry.id) === entry) this.inFlight.delete(entry.id);
    if (error === undefined) entry.resolve(result);
    else entry.reject(error);
  }

  private timeoutError(entry: Outstanding, timeoutMs: number): RequestTimeoutError {
    if (entry.everSent) return new RequestTimeoutError(entry.method, timeoutMs);
    let reason: string;
    try {
      reason = this.whyNotSent();
    } catch {
      reason = 'the session is not ready';
    }
    return new RequestTimeoutError(entry.method, timeoutMs, { reason });
  }

  private lostError(entry: Outstanding, cause?: unknown): ConnectionLostError {
    return new ConnectionLostError(
      'connection lost in flight; not idempotent',
      { cause },
    );
  }

  private closedError(): SessionClosedError {
    const reason = this.closedWith;
    return reason instanceof SessionClosedError ? reason : new SessionClosedError(undefined, { cause: reason });
  }
}
