import { Subject, type Observable, type Subscriber } from 'rxjs';
import { observeRefusal } from './observe-refusal.js';
import { SeqAnomalyError, SubscribeError, type ServerError } from '../errors.js';
import { settleConfirmed, settleFailed, type BatchKind } from './answers.js';
import { forgetServerSession, missedBySeqAnomaly } from './gaps.js';
import { Linger } from './linger.js';
import { addObserver, deliverTo, endAll } from './observers.js';
import { attachTeardown, RegistryEntry } from './registry-entry.js';
import type { SessionReadyInfo, StreamRegistryOptions } from './registry-options.js';
import { chunk, type StreamEntry, type StreamState } from './stream-entry.js';
import { StreamObservable, type StreamSubscriber } from './stream-subscriber.js';
import { streamInfoOf, streamStateOf, type StreamInfo } from './stream-info.js';
import { platformTimers } from './timers.js';

export type { SessionReadyInfo, StreamRegistryOptions } from './registry-options.js';

/**
 * The two halves a refused batch was cut into. When both are refused too, the fault is not one
 * name (a server refusing everything, overloaded say): they fail rather than being halved again,
 * so a refusal of every name costs about 2 log2(n) requests, not 2n.
 */
interface RefusalSplit {
  readonly size: number;
  refusedHalves: number;
}

/** How many refused stream names `streamState` remembers as `failed`, so unbounded bad names cannot grow memory. */
const REMEMBERED_FAILURES = 1000;

/**
 * The stream registry: one hot, shared observable per stream name over one connection.
 *
 * - Ref counting: the first observer of a name causes one subscribe, the last one leaving causes
 *   one unsubscribe; leaving and coming back within the same tick causes neither.
 * - Batching: every change of a tick goes out as one subscribe and one unsubscribe request (split
 *   by `maxStreamsPerPacket`).
 * - Reconciliation, not an operation queue: the registry compares the names that have observers with
 *   what it believes the server holds, and sends the difference. Whatever the interleaving of
 *   observers, answers, failures and reconnects, once the session is ready and quiet the server
 *   holds exactly the names that have observers. It relies on the server applying one
 *   connection's requests in the order they were sent (as the reference server does): a
 *   subscribe must not overtake the unsubscribe sent after it.
 * - Routing: one Map lookup per message, then a call per observer; an observer that throws does not stop
 *   the others (RxJS reports the error asynchronously through `config.onUnhandledError`).
 * - Resume and gaps: after a resume nothing is re-subscribed; on a fresh session every observed
 *   stream is re-subscribed in one batch and `gaps$` names the streams that may have missed messages.
 *
 * It never opens a socket: the session wires `call` to the request correlator, feeds stream messages
 * to {@link StreamRegistry.route} and reports the lifecycle through `sessionReady`, `connectionLost`
 * and `close`.
 *
 * @example
 * ```ts
 * const registry = new StreamRegistry({
 *   call: (request) => correlator.request(request),
 *   failedStreams: (error, names) => protocol.failedStreams(error, names),
 * });
 * registry.observe<Trade>('btcusdt@trade').subscribe(render);
 * registry.sessionReady({ resumed: false, fresh: true }); // sends one subscribe request for ["btcusdt@trade"]
 * ```
 */
export class StreamRegistry {
  /**
   * Names of streams that may have missed messages, emitted once per fresh session that replaced an
   * earlier one (every stream that has observers now and was subscribed, or being subscribed, on the
   * previous session) and once per seq anomaly (see {@link StreamRegistry.route}). Observers should
   * re-fetch a snapshot of those. Completes when the registry closes.
   */
  readonly gaps$: Observable<readonly string[]>;

  readonly #call: StreamRegistryOptions['call'];
  readonly #failedStreams: StreamRegistryOptions['failedStreams'];
  /** Holds unsubscribes back for `lingerMs`; absent when it is 0. */
  readonly #linger: Linger | undefined;
  readonly #trackSeq: boolean;
  readonly #onError: (error: Error) => void;
  readonly #onObserve: () => void;
  readonly #gaps = new Subject<readonly string[]>();
  readonly #streams = new Map<string, RegistryEntry>();
  /** Entries whose wanted or server state changed since the last flush. */
  readonly #dirty = new Set<StreamEntry>();
  readonly #failures = new Map<string, Error>();
  /**
   * Streams of a subscribe the server refused without saying which name it blames, with the split
   * their batch was cut into: they go out again in batches of the split's size (half the refused
   * batch), so one name at fault ends up failing alone while the others are subscribed.
   */
  readonly #splitTo = new Map<StreamEntry, RefusalSplit>();
  /** Lowered when the server refuses a packet as oversize; never above `maxStreamsPerPacket`. */
  #packetLimit: number;
  #ready = false;
  #everReady = false;
  #flushScheduled = false;
  #closed: { readonly error: Error | undefined } | undefined;
  /**
   * The seq of the last stream message, and the first seq of the contiguous run that ends there
   * (since the session started or the last anomaly). NaN before the first message: every compare
   * with NaN is false, so the hot path needs no separate check for it.
   */
  #lastSeqSeen = NaN;
  #runStart = NaN;

  constructor(options: StreamRegistryOptions) {
    const lingerMs = options.lingerMs ?? 0;
    this.#call = options.call;
    this.#failedStreams = options.failedStreams;
    this.#packetLimit = options.maxStreamsPerPacket ?? 1000;
    this.#linger = lingerMs > 0 ? new Linger(lingerMs, options.timers ?? platformTimers, (entry) => this.#markDirty(entry)) : undefined;
    this.#trackSeq = options.trackSeq ?? true;
    this.#onError = options.onError ?? (() => {});
    this.#onObserve = options.onObserve ?? (() => {});
    this.gaps$ = this.#gaps.asObservable();
  }

  /**
   * The messages of one stream, as a hot observable shared by every observer of the same name.
   * Subscribing to it makes the stream wanted on the server; the subscription ends with an error
   * of {@link SubscribeError} if the server refuses the name, and completes (or errors with the
   * session's error) when the registry closes.
   *
   * The returned observable errors at subscription time, and sends nothing, when `name` is not a
   * non-empty string ({@link OptionsError}) or when the registry is already closed
   * ({@link SessionClosedError}, whether the close was clean or not: observing a closed session is
   * a mistake worth hearing about, not an empty stream).
   */
  observe<T>(name: string): Observable<T> {
    return new StreamObservable<T>((subscriber, lean) => this.#open(name, subscriber, lean));
  }

  /**
   * Delivers one stream message to the stream's observers. The hot path: one compare, one Map
   * lookup, then a call per observer. With seq tracking:
   * - the next seq (`lastSeq + 1`) is delivered;
   * - a seq inside the contiguous run already delivered (a replay overlap) is a duplicate: dropped;
   * - any other seq (a jump ahead, or back below the run) is a protocol anomaly: it is reported as
   *   a {@link SeqAnomalyError} through `onError`, `gaps$` names the streams that may have missed
   *   messages, the message is delivered, and the sequence continues from it.
   * A message for a stream nobody observes is dropped, but its seq still counts.
   */
  route(stream: string, data: unknown, seq: number | undefined): void {
    if (seq !== undefined && this.#trackSeq) {
      if (seq !== this.#lastSeqSeen + 1) {
        if (seq >= this.#runStart && seq <= this.#lastSeqSeen) return;
        if (!Number.isNaN(this.#lastSeqSeen)) this.#seqAnomaly(stream, seq);
        this.#runStart = seq;
      }
      this.#lastSeqSeen = seq;
    }
    const entry = this.#streams.get(stream);
    if (entry === undefined || entry.observers === 0) return;
    entry.messages++;
    if (seq !== undefined) entry.lastSeq = seq;
    deliverTo(entry.subscribers, data);
  }

  /** The `seq` of the last stream message received in this session (undefined before the first, and after a fresh session replaced it). */
  get lastSeq(): number | undefined {
    return Number.isNaN(this.#lastSeqSeen) ? undefined : this.#lastSeqSeen;
  }

  /**
   * The session is ready for requests (connected and authorized). Then:
   * - `resumed: true`: the server kept everything; only changes made meanwhile are sent, `lastSeq` is kept.
   * - `fresh: true` after an earlier ready: the server holds nothing; `lastSeq` is forgotten, every
   *   observed stream is subscribed again in one batch, and `gaps$` names the ones that were
   *   subscribed before. Call this before routing any message of the new session.
   * - otherwise (the first ready, or ready again on the same server session): what was requested
   *   meanwhile is sent.
   */
  sessionReady(info: SessionReadyInfo): void {
    if (this.#closed !== undefined) return;
    const replaced = !info.resumed && info.fresh && this.#everReady;
    this.#everReady = true;
    this.#ready = true;
    if (replaced) {
      this.#lastSeqSeen = NaN;
      this.#runStart = NaN;
      // Every entry is re-examined, in the order the streams were first observed.
      this.#dirty.clear();
      const missed = forgetServerSession(this.#streams.values());
      for (const entry of this.#streams.values()) this.#dirty.add(entry);
      if (missed.length > 0) this.#gaps.next(missed);
    }
    this.#flush();
  }

  /**
   * The connection dropped: nothing is sent until the next {@link StreamRegistry.sessionReady}.
   * Requests in flight are the correlator's business: it re-sends them or fails them, and the
   * registry reconciles with either outcome; meanwhile their streams count as "maybe on the
   * server", so a refusal of the re-sent copy still ends in an unsubscribe if nobody wants them.
   */
  connectionLost(): void {
    this.#ready = false;
    // The server may have acted on a request in flight before the drop, even if the copy the
    // correlator re-sends is refused later: until an answer says otherwise, the stream may be there.
    for (const entry of this.#streams.values()) if (entry.inFlight !== undefined) entry.presence = 'maybe';
  }

  /**
   * Ends the registry: every stream's observers complete, or get `error` when one is given;
   * `gaps$` completes; timers are cleared; later `observe()` calls error with {@link SessionClosedError}.
   * Nothing is sent to the server.
   */
  close(error?: Error): void {
    if (this.#closed !== undefined) return;
    this.#closed = { error };
    this.#ready = false;
    this.#linger?.cancelAll();
    const entries = Array.from(this.#streams.values());
    this.#streams.clear();
    this.#dirty.clear();
    this.#splitTo.clear();
    for (const entry of entries) {
      const observers = entry.subscribers;
      entry.subscribers = undefined;
      endAll(observers, error);
    }
    this.#gaps.complete();
  }

  /** A snapshot of one stream's state for users (see {@link StreamState}); cheap, no subscription involved. */
  streamState(name: string): StreamState {
    return streamStateOf(this.#streams.get(name), this.#failures.has(name));
  }

  /** The streams the server holds for this session now (state `active`), in the order first observed: what a replacement connection subscribes. */
  activeStreams(): string[] {
    const names: string[] = [];
    for (const entry of this.#streams.values()) if (streamStateOf(entry, this.#failures.has(entry.name)) === 'active') names.push(entry.name);
    return names;
  }

  /** Every stream the registry holds (observed, lingering or awaiting an answer), for diagnostics. */
  inspect(): StreamInfo[] {
    return Array.from(this.#streams.values(), (entry) => streamInfoOf(entry, this.streamState(entry.name)));
  }

  /** Reports a seq that neither continues the run nor repeats part of it, and names on `gaps$` the streams it may have cost messages. */
  #seqAnomaly(stream: string, seq: number): void {
    const expected = this.#lastSeqSeen + 1;
    const missed = missedBySeqAnomaly(this.#streams, stream, seq, expected);
    this.#onError(new SeqAnomalyError(stream, expected, seq));
    if (missed.length > 0) this.#gaps.next(missed);
  }

  /** Adds a subscriber of `observe(name)` to the stream's observers, with the entry as its teardown. */
  #open(name: string, subscriber: Subscriber<unknown>, lean: boolean): void {
    this.#onObserve();
    const refusal = observeRefusal(name, this.#closed);
    if (refusal !== undefined) {
      subscriber.error(refusal);
      return;
    }
    const entry = this.#acquire(name);
    entry.subscribers = addObserver(entry.subscribers, subscriber);
    // The entry is the teardown: it drops the closed subscriber and calls release (see RegistryEntry).
    if (lean) (subscriber as StreamSubscriber).leave = entry;
    else attachTeardown(subscriber, entry);
  }

  #acquire(name: string): RegistryEntry {
    let entry = this.#streams.get(name);
    if (entry === undefined) {
      entry = new RegistryEntry(name, this.#observerLeft);
      this.#streams.set(name, entry);
    }
    entry.lingerGroup = undefined;
    if (entry.observers++ === 0) {
      this.#failures.delete(name);
      this.#markDirty(entry);
    }
    return entry;
  }

  /** One function for every entry, so an idle entry holds no closure of its own. */
  readonly #observerLeft = (entry: StreamEntry): void => this.#release(entry);

  #release(entry: StreamEntry): void {
    if (this.#closed !== undefined) return;
    if (--entry.observers > 0) return;
    this.#linger?.hold(entry);
    this.#markDirty(entry);
  }

  #markDirty(entry: StreamEntry): void {
    this.#dirty.add(entry);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || !this.#ready || this.#closed !== undefined) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#flush();
    });
  }

  /** Sends the difference between the observed names and the server's, for every entry that changed. */
  #flush(): void {
    if (!this.#ready || this.#closed !== undefined || this.#dirty.size === 0) return;
    const toSubscribe: StreamEntry[] = [];
    const toUnsubscribe: StreamEntry[] = [];
    for (const entry of this.#dirty) {
      // A stale object whose name was deleted and created again, or one whose answer is awaited
      // (it is marked dirty again when that answer comes).
      if (this.#streams.get(entry.name) !== entry || entry.inFlight !== undefined) continue;
      if (entry.observers > 0) {
        if (entry.presence !== 'yes') toSubscribe.push(entry);
      } else if (entry.presence === 'no') {
        this.#streams.delete(entry.name);
        this.#splitTo.delete(entry);
      } else if (entry.lingerGroup === undefined) {
        toUnsubscribe.push(entry);
      }
    }
    this.#dirty.clear();
    this.#send('unsubscribe', toUnsubscribe);
    this.#sendSubscribes(toSubscribe);
  }

  /** Sends subscribes in batches of `maxStreamsPerPacket`, but the streams of each refusal split (see `#splitTo`) in batches of their own, of the split's size. */
  #sendSubscribes(entries: StreamEntry[]): void {
    const bySplit = new Map<RefusalSplit | undefined, StreamEntry[]>();
    for (const entry of entries) {
      const split = this.#splitTo.get(entry);
      const group = bySplit.get(split);
      if (group === undefined) bySplit.set(split, [entry]);
      else group.push(entry);
    }
    for (const [split, group] of bySplit) this.#send('subscribe', group, Math.min(split?.size ?? this.#packetLimit, this.#packetLimit));
  }

  #send(kind: BatchKind, entries: StreamEntry[], batchSize = this.#packetLimit): void {
    for (const batch of chunk(entries, batchSize)) {
      const names = batch.map((entry) => entry.name);
      for (const entry of batch) entry.inFlight = kind;
      let answer: Promise<unknown>;
      try {
        answer = this.#call({ kind, streams: names });
      } catch (error) {
        answer = Promise.reject(error);
      }
      answer.then(
        () => this.#confirmed(kind, batch),
        (error: unknown) => this.#refused(kind, batch, names, error),
      );
    }
  }

  #confirmed(kind: BatchKind, batch: StreamEntry[]): void {
    if (this.#closed !== undefined) return;
    settleConfirmed(kind, batch);
    for (const entry of batch) this.#splitTo.delete(entry);
    for (const entry of batch) this.#dirty.add(entry);
    // Observers may have come or gone while the request was on its way.
    this.#scheduleFlush();
  }

  #refused(kind: BatchKind, batch: StreamEntry[], names: string[], reason: unknown): void {
    if (this.#closed !== undefined) return;
    const error = reason instanceof Error ? reason : new Error(String(reason));
    const outcome = settleFailed(kind, batch, error);
    for (const entry of batch) this.#dirty.add(entry);
    if (outcome.packetLimit !== undefined) this.#packetLimit = outcome.packetLimit;
    if (outcome.refusedSubscribe !== undefined) this.#subscribeRefused(batch, names, outcome.refusedSubscribe);
    if (outcome.tooLarge !== undefined) this.#fail(outcome.tooLarge, error);
    if (outcome.report) this.#onError(error);
    if (outcome.flushNow) this.#scheduleFlush();
  }

  /**
   * The server subscribed none of the batch: the names it blames fail, the others are retried by
   * the next flush. When it blames none or all of them (what a protocol answers when it cannot
   * tell, and what most servers do for one bad name), one bad name must not fail the names batched
   * with it: the batch is split in halves and retried, until a refused batch holds one name, which
   * fails. A batch whose sibling half was refused as well fails whole (see {@link RefusalSplit}).
   */
  #subscribeRefused(batch: StreamEntry[], names: string[], error: ServerError): void {
    const response = error.data === undefined ? { code: error.serverCode, message: error.serverMessage } : { code: error.serverCode, message: error.serverMessage, data: error.data };
    const blamed = new Set(this.#failedStreams(response, names));
    const blamedHere = batch.filter((entry) => blamed.has(entry.name)).length;
    const anyBlamed = blamedHere > 0;
    const split = this.#splitTo.get(batch[0]!);
    const bothHalvesRefused = split !== undefined && ++split.refusedHalves > 1;
    if (batch.length > 1 && (blamedHere === 0 || blamedHere === batch.length) && !bothHalvesRefused) {
      const halves: RefusalSplit = { size: Math.ceil(batch.length / 2), refusedHalves: 0 };
      for (const entry of batch) this.#splitTo.set(entry, halves);
      return;
    }
    for (const entry of batch) {
      if (anyBlamed && !blamed.has(entry.name)) continue;
      this.#fail(entry, new SubscribeError(entry.name, response.code, response.message));
    }
  }

  /**
   * Errors the current observers of `entry` (only those) and reports the error on `onError`, so a
   * refused stream is never silent even when its observers have no error callback; later
   * observers start afresh.
   */
  #fail(entry: StreamEntry, error: Error): void {
    this.#splitTo.delete(entry);
    this.#onError(error);
    this.#failures.set(entry.name, error);
    if (this.#failures.size > REMEMBERED_FAILURES) {
      const oldest = this.#failures.keys().next();
      if (oldest.done !== true) this.#failures.delete(oldest.value);
    }
    const observers = entry.subscribers;
    entry.subscribers = undefined;
    entry.resubscribing = false;
    endAll(observers, error);
  }
}
