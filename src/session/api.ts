/**
 * What a session offers its users: the `Session` interface and its companions. Both kinds of
 * session implement it (one with its own socket, src/session.ts, and one shared among tabs,
 * src/session/shared/), so it lives below both.
 */
import type { Observable } from 'rxjs';
import type { Actor } from 'xstate';
import type { WirestateError } from '../errors.js';
import type { sessionMachine } from '../machine/session-machine.js';
import type { ClosedReason, SessionStateName } from '../machine/types.js';
import type { StreamState } from '../streams/stream-entry.js';
import type { StreamInfo } from '../streams/stream-info.js';
import type { SessionSnapshot } from './snapshot.js';
import type { WaitOptions } from './wait.js';

/** A server event, as `session.events$` emits it. */
export interface ServerEvent {
  /** The event's name. */
  readonly event: string;
  /** Its payload, when the server sent one. */
  readonly data?: unknown;
}

/** Per-call options of {@link Session.request}. */
export interface SessionRequestOptions {
  /**
   * Overrides the session's `requestTimeoutMs`; counts from the call, queueing included. A positive
   * number of milliseconds or `Infinity`; anything else (0 included) is an OptionsError.
   */
  readonly timeoutMs?: number;
  /** Aborting it rejects the request with a RequestAbortedError and ignores a late answer. */
  readonly signal?: AbortSignal;
  /**
   * Whether the request may be sent again on a new connection if the one it went out on drops
   * before the answer. Without it such a request fails with a ConnectionLostError, since the server
   * may or may not have acted on it.
   * @default false
   */
  readonly idempotent?: boolean;
}

/** The running XState actor of a session. */
export type SessionActor = Actor<typeof sessionMachine>;

/** A session: one logical connection to a server, kept alive across drops. See {@link createSession}. */
export interface Session {
  /** Snapshots of the session's state (replays the current one to new observers). */
  readonly state$: Observable<SessionSnapshot>;
  /**
   * A hot, shared observable of a stream's `data`. The first observer causes one subscribe, the
   * last one leaving one unsubscribe; observers of the same name share one server subscription.
   * Completes when the session closes cleanly, errors with the reason when it ends fatally, and
   * errors with a SubscribeError when the server rejects the name.
   *
   * An observer that throws does not stop delivery to the others: RxJS reports the error
   * asynchronously through `config.onUnhandledError` (from `rxjs`), which by default rethrows it
   * as an uncaught exception; set it to log instead if your observers may throw.
   */
  stream<T = unknown>(name: string): Observable<T>;
  /**
   * Where one stream stands now, for users who show it: `subscribing` (observed, not confirmed
   * yet), `active` (confirmed by the server), `resubscribing` (being subscribed again on a fresh
   * session; it is also on `gaps$`), `failed` (the server refused it; stays so until observed
   * again) or `inactive` (nobody observes it). A cheap snapshot: it neither subscribes nor sends.
   *
   * @example
   * ```ts
   * const badge = session.streamState('btcusdt@trade') === 'active' ? 'live' : 'waiting';
   * ```
   */
  streamState(name: string): StreamState;
  /**
   * Every stream the session holds now (observed, lingering or awaiting the server's answer), with
   * its observers, state, last `seq`, message count and gaps: read-only copies, for diagnostics and
   * the devtools. Costs one pass over the streams; nothing is counted that is not counted anyway.
   */
  inspectStreams(): readonly StreamInfo[];
  /**
   * Sends a request and resolves with its result; rejects with a typed error on error, timeout,
   * abort or close. A method the protocol runs itself (its lifecycle and subscription methods, see
   * `Protocol.reservedMethods`) is refused with a ReservedMethodError, params the codec cannot carry with an
   * EncodeError, and bad options (an unknown key such as `timeotMs`, a wrong value) with an
   * OptionsError; none of them sends anything, and the session stays up.
   */
  request<R = unknown>(method: string, params?: unknown, options?: SessionRequestOptions): Promise<R>;
  /** Server events. */
  readonly events$: Observable<ServerEvent>;
  /** Names of streams that may have missed messages, emitted after a reconnect that could not resume. */
  readonly gaps$: Observable<readonly string[]>;
  /**
   * Every failure the session notices: undecodable frames, unknown packets, phase timeouts, refused
   * sends, balancer retries, and, last of all, the error a session ends with (`closedReason.error`).
   */
  readonly errors$: Observable<WirestateError>;
  /**
   * Starts the session (like `start()`) and resolves with its snapshot once it is `authorized`
   * (at once when it already is). Rejects with the session's closing error (the fatal error, else
   * a SessionClosedError) when it closes first, with a StateTimeoutError after `timeoutMs`, and
   * with a RequestAbortedError when `signal` aborts; the session itself carries on in both cases.
   *
   * @example
   * ```ts
   * await session.ready({ timeoutMs: 5_000 });
   * ```
   */
  ready(options?: WaitOptions): Promise<SessionSnapshot>;
  /**
   * Resolves with the first snapshot in `state` (the current one counts), e.g. `'reconnecting'`
   * to react to a drop, or `'closed'`. Does not start a lazy session. Rejects as {@link ready}
   * does when the session closes first (unless `state` is `'closed'`), times out or is aborted, and
   * with an OptionsError for a state `state$` never names (`waitFor('bogus')`) or bad options.
   *
   * @example
   * ```ts
   * const { nextRetryAt } = await session.waitFor('reconnecting');
   * ```
   */
  waitFor(state: SessionStateName, options?: WaitOptions): Promise<SessionSnapshot>;
  /** Starts connecting now (a lazy session also starts on first use). Idempotent. */
  start(): void;
  /**
   * Closes cleanly: ends in `closed`, with no reconnect, timer or socket left. Resolves once closed.
   * Takes no code or reason (the session closes with 1000): a WebSocket-style `close(4000, 'bye')`
   * still closes, and reports an OptionsError on `errors$` (it does not reject, so `close` handed a
   * number as a Node listener cannot become an unhandled rejection); any other argument (the event,
   * when `close` is used as a listener) is ignored.
   */
  close(): Promise<void>;
  /** Resolves with the reason once the session is closed, whoever closed it. */
  readonly closed: Promise<ClosedReason>;
  /** The running XState actor, for inspection. */
  readonly actor: SessionActor;
}

/** What the shared session's leader needs beyond {@link Session}: see src/session/shared/. */
export interface OpenedSession extends Session {
  /** The `seq` of the stream message being (or last) delivered: observers of `stream()` read it while called. */
  readonly lastSeq: () => number | undefined;
}
