import {
  ConnectionLostError,
  QueueFullError,
  RequestAbortedError,
  RequestTimeoutError,
  ServerError,
  SessionClosedError,
} from '../errors.js';
import type { ProtocolRequest, ResponseError } from '../protocol/types.js';
import { DeadlineTimer } from './deadline-timer.js';
import type { RequestCorrelatorOptions, RequestOptions, SendRequest } from './request-options.js';
import { platformTimers } from './timers.js';

export type { RequestCorrelatorOptions, RequestOptions, SendRequest } from './request-options.js';

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
  /** When it times out, on the correlator's clock (`Infinity`: never), and the timeout it came from. */
  readonly deadline: number;
  readonly timeoutMs: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
}

/**
 * The promise executor of every request: one function, not a closure per request. It runs
 * synchronously inside `new Promise`, so the request reads the settlers right after.
 */
let capturedResolve: (value: unknown) => void = () => {};
let capturedReject: (error: Error) => void = () => {};
function captureSettlers(resolve: (value: unknown) => void, reject: (error: Error) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/** An already-settled promise, to run a function a microtask later. */
const SETTLED = Promise.resolve();

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
 * packet, and `closeAll(error)` when the session ends. It holds one timer, for the earliest deadline,
 * while anything is pending, and none from the microtask after the last request settled on.
 *
 * @example
 * ```ts
 * const correlator = new RequestCorrelator({ nextId, send: (id, request, onError) => socket.send(protocol.encodeRequest(id, request), onError) });
 * correlator.setReady(true);
 * const echoed = await correlator.request({ kind: 'call', method: 'ECHO', params: 1 }, { timeoutMs: 2000 });
 * ```
 */
export class RequestCorrelator {
  readonly #nextId: () => number;
  readonly #send: SendRequest;
  readonly #defaultTimeoutMs: number;
  readonly #maxQueued: number;
  readonly #whyNotSent: () => string;
  readonly #now: () => number;
  /** One timer for every request's deadline (see {@link DeadlineTimer}). */
  readonly #deadlines: DeadlineTimer;
  /** Requests waiting for the session to be ready, in FIFO order (a Set keeps insertion order and deletes in O(1)). */
  #queue = new Set<Outstanding>();
  /** Requests sent and awaiting their answer, by id. */
  readonly #inFlight = new Map<number, Outstanding>();
  #ready = false;
  #closedWith: Error | undefined;
  #arrivals = 0;
  /** Whether a settle left nothing pending and queued the idle check (`#disarmIfIdle`). */
  #idleCheckQueued = false;

  constructor(options: RequestCorrelatorOptions) {
    this.#nextId = options.nextId;
    this.#send = options.send;
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? 10_000;
    this.#maxQueued = options.maxQueued ?? 1000;
    this.#whyNotSent = options.whyNotSent ?? (() => 'the session is not ready');
    this.#now = options.now ?? (() => performance.now());
    this.#deadlines = new DeadlineTimer(options.timers ?? platformTimers, this.#now, (reached) => this.#deadlineReached(reached));
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
    if (this.#closedWith !== undefined) {
      return Promise.reject(this.#closedError());
    }
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(new RequestAbortedError(method, { cause: signal.reason }));
    }
    const timeoutMs = options.timeoutMs ?? this.#defaultTimeoutMs;
    if (!this.#ready && this.#queue.size >= this.#maxQueued) {
      return Promise.reject(new QueueFullError(this.#maxQueued));
    }
    const promise = new Promise<unknown>(captureSettlers);
    const deadline = timeoutMs === Infinity ? Infinity : this.#now() + timeoutMs;
    const entry: Outstanding = {
      order: this.#arrivals++,
      request,
      method,
      idempotent: options.idempotent ?? false,
      resolve: capturedResolve,
      reject: capturedReject,
      id: undefined,
      everSent: false,
      deadline,
      timeoutMs,
      signal,
      onAbort: undefined,
      settled: false,
    };
    this.#deadlines.arm(deadline);
    if (signal !== undefined) {
      entry.onAbort = () => this.#settle(entry, new RequestAbortedError(method, { cause: signal.reason }));
      signal.addEventListener('abort', entry.onAbort, { once: true });
    }
    if (this.#ready) {
      this.#dispatch(entry);
    } else {
      this.#queue.add(entry);
    }
    return promise;
  }

  /**
   * Tells the correlator whether requests may be sent now. `true` sends every queued request in
   * FIFO order (stopping if the session stops being ready on the way); `false` makes new requests
   * queue. It does not touch requests in flight: use {@link RequestCorrelator.connectionLost} for that.
   */
  setReady(ready: boolean): void {
    if (this.#closedWith !== undefined) return;
    this.#ready = ready;
    if (!ready || this.#queue.size === 0) return;
    // Snapshot, so a request re-queued by a failing send during this flush waits for the next
    // ready instead of being retried in a loop.
    const waiting = Array.from(this.#queue);
    for (const entry of waiting) {
      if (!this.#ready) break;
      if (entry.settled || !this.#queue.delete(entry)) continue;
      this.#dispatch(entry);
    }
  }

  /** Resolves the request with this id. Returns false when the id is not outstanding (unknown, timed out, aborted): the answer is ignored. */
  handleResult(id: number, result: unknown): boolean {
    const entry = this.#inFlight.get(id);
    if (entry === undefined) return false;
    this.#settle(entry, undefined, result);
    return true;
  }

  /** Rejects the request with this id with a {@link ServerError}. Returns false when the id is not outstanding: the answer is ignored. */
  handleError(id: number, error: ResponseError): boolean {
    const entry = this.#inFlight.get(id);
    if (entry === undefined) return false;
    this.#settle(entry, new ServerError(entry.method, error.code, error.message, error.data));
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
    this.#ready = false;
    if (this.#inFlight.size === 0) return;
    const sent = Array.from(this.#inFlight.values());
    this.#inFlight.clear();
    const requeued: Outstanding[] = [];
    for (const entry of sent) {
      entry.id = undefined;
      if (entry.idempotent) {
        requeued.push(entry);
      } else {
        this.#settle(entry, this.#lostError(entry));
      }
    }
    this.#requeue(requeued);
  }

  /**
   * Rejects every request, queued or in flight, with `error`, clears every timer and stops for good:
   * later calls to `request()` reject at once with a {@link SessionClosedError} whose cause is `error`
   * (or `error` itself when it is one).
   */
  closeAll(error: Error = new SessionClosedError()): void {
    if (this.#closedWith !== undefined) return;
    this.#closedWith = error;
    this.#ready = false;
    const everything = [...this.#queue, ...this.#inFlight.values()];
    this.#queue.clear();
    this.#inFlight.clear();
    this.#deadlines.disarm();
    for (const entry of everything) this.#settle(entry, error);
  }

  /** Number of requests waiting for the session to be ready. */
  queuedCount(): number {
    return this.#queue.size;
  }

  #dispatch(entry: Outstanding): void {
    let id = this.#nextId();
    // Only matters after the id source wraps: never reuse an id that is still awaiting its answer.
    for (let tries = 0; this.#inFlight.has(id) && tries <= this.#inFlight.size; tries++) id = this.#nextId();
    entry.id = id;
    const sentBefore = entry.everSent;
    entry.everSent = true;
    this.#inFlight.set(id, entry);
    // Bound rather than a closure: cheaper to create than a closure over this scope (still one function per send).
    const onSendError = this.#sendFailed.bind(this, entry, id, sentBefore) as (error: Error) => void;
    try {
      this.#send(id, entry.request, onSendError);
    } catch (error) {
      onSendError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #sendFailed(entry: Outstanding, id: number, sentBefore: boolean, error: Error): void {
    if (entry.settled || this.#inFlight.get(id) !== entry) return;
    const notConnected = (error as { code?: unknown }).code === 'connection';
    if (notConnected && entry.idempotent) {
      this.#inFlight.delete(id);
      entry.id = undefined;
      // This attempt never left: only an earlier one counts as sent.
      entry.everSent = sentBefore;
      this.#requeue([entry]);
    } else {
      this.#settle(entry, notConnected ? this.#lostError(entry, error) : error);
    }
  }

  /** Puts sent requests back into the queue in their original arrival order. */
  #requeue(entries: Outstanding[]): void {
    if (entries.length === 0) return;
    const merged = [...entries, ...this.#queue].sort((a, b) => a.order - b.order);
    this.#queue = new Set(merged);
    // Settles no longer stop the timer at once (the idle check waits a microtask and sees these), so
    // this only re-states that their deadlines need it: a no-op while it is armed for one as early.
    for (const entry of entries) this.#deadlines.arm(entry.deadline);
  }

  /** Settles a request exactly once, and drops every reference to it: timer, abort listener, queue, map. */
  #settle(entry: Outstanding, error: Error | undefined, result?: unknown): void {
    if (entry.settled) return;
    entry.settled = true;
    if (entry.onAbort !== undefined) entry.signal?.removeEventListener('abort', entry.onAbort);
    entry.onAbort = undefined;
    entry.signal = undefined;
    this.#queue.delete(entry);
    if (entry.id !== undefined && this.#inFlight.get(entry.id) === entry) this.#inFlight.delete(entry.id);
    if (error === undefined) entry.resolve(result);
    else entry.reject(error);
    // After the settling, so the caller's `await` goes on first: one awaiting a request and then
    // making the next one (a bot's loop) keeps the timer, armed for a deadline that cannot be later
    // than the new request's, instead of stopping it and starting another (a third of a
    // microsecond a round trip in Node). Nothing pending a microtask later stops it.
    if (this.#deadlines.armed && !this.#idleCheckQueued && this.#queue.size === 0 && this.#inFlight.size === 0) {
      this.#idleCheckQueued = true;
      // A promise reaction rather than queueMicrotask, which Node wraps in an AsyncResource each call.
      void SETTLED.then(this.#disarmIfIdle);
    }
  }

  /** Stops the deadline timer when nothing is pending (any more). */
  readonly #disarmIfIdle = (): void => {
    this.#idleCheckQueued = false;
    if (this.#queue.size === 0 && this.#inFlight.size === 0) this.#deadlines.disarm();
  };

  /** Times out every request whose deadline has come, then re-arms for the earliest one left (none left: no timer). */
  #deadlineReached(reached: number): void {
    let next = Infinity;
    const expired: Outstanding[] = [];
    for (const entries of [this.#queue, this.#inFlight.values()]) {
      for (const entry of entries) {
        if (entry.deadline <= reached) expired.push(entry);
        else if (entry.deadline < next) next = entry.deadline;
      }
    }
    for (const entry of expired) this.#settle(entry, this.#timeoutError(entry, entry.timeoutMs));
    this.#deadlines.arm(next);
  }

  #timeoutError(entry: Outstanding, timeoutMs: number): RequestTimeoutError {
    if (entry.everSent) return new RequestTimeoutError(entry.method, timeoutMs);
    let reason: string;
    try {
      reason = this.#whyNotSent();
    } catch {
      reason = 'the session is not ready';
    }
    return new RequestTimeoutError(entry.method, timeoutMs, { reason });
  }

  #lostError(entry: Outstanding, cause?: unknown): ConnectionLostError {
    return new ConnectionLostError(
      'connection lost in flight; not idempotent',
      { cause },
    );
  }

  #closedError(): SessionClosedError {
    const reason = this.#closedWith;
    return reason instanceof SessionClosedError ? reason : new SessionClosedError(undefined, { cause: reason });
  }
}
