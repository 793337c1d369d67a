import type { Codec, CodecName } from '../codecs/codec.js';
import type { WirestateError } from '../errors.js';
import type { Secret } from '../secret.js';
import type { CloseReaction, Credentials, Handshake, IncomingPacket, InitializeResult, Protocol, ProtocolRequest, ResponseError, TokenTransport } from '../protocol/types.js';
import type { SocketExtensions, WebSocketConstructor } from '../transport/types.js';
import type { BackoffOptions } from './backoff.js';
import type { CloseDecision } from './close-policy.js';

/** A value, or a function giving it (possibly asynchronously), asked again on every connection attempt. */
export type ValueOrProvider<T> = T | (() => T | Promise<T>);

/**
 * The states of a session as `session.state$` names them. The machine's own chart nests some of
 * them (see `publicStateName`); these names are the public ones.
 */
export type SessionStateName =
  | 'idle'
  | 'resolving'
  | 'connecting'
  | 'initializing'
  | 'authorizing'
  | 'authorized'
  | 'resuming'
  | 'reconnecting'
  | 'closed';

/** How the session authenticates, after option validation. The secrets are wrapped so that the context prints without them. */
export type ResolvedAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'credentials'; readonly credentials: Secret<Exclude<Credentials, { token: string }>> }
  | { readonly kind: 'token'; readonly token: Secret<ValueOrProvider<string>>; readonly transport: TokenTransport };

/** Per-phase timeouts in milliseconds. */
export interface PhaseTimeouts {
  /** How long the balancer may take to answer. */
  readonly balancerMs: number;
  /** How long the WebSocket handshake may take. */
  readonly connectMs: number;
  /** How long the answer to the initialize request may take. */
  readonly initializeMs: number;
  /** How long the answer to the authorize request may take. */
  readonly authorizeMs: number;
  /** How long the endpoint and token providers may take to give this attempt's values. */
  readonly providerMs: number;
}

/** Where the session's non-lifecycle traffic goes: the stream registry and request correlator, wired by the session. */
export interface InboundSink {
  /** A stream message. The hot path: called once per message, straight from the socket. */
  onStream(stream: string, data: unknown, seq: number | undefined): void;
  /** A response to a request the correlator sent. */
  onResponse(packet: Extract<IncomingPacket, { kind: 'result' | 'error' }>): void;
  /** A server event. */
  onEvent(event: string, data: unknown): void;
  /** A non-fatal problem: an undecodable frame, an unknown packet. */
  onError(error: WirestateError): void;
  /**
   * The streams subscribed now, in subscribe batches: a rotation without resume subscribes them on
   * the replacement connection. Without it, such a rotation carries no stream over.
   */
  activeStreamBatches?(): readonly (readonly string[])[];
  /**
   * Requests sent on a socket a rotation let go, or held during one, have just been reported lost
   * (each through its own `onLateError`): the session may send the re-queued ones and reconcile
   * its streams on the socket that serves now.
   */
  onRequestsLost?(): void;
}

/** Everything the machine needs from outside, injected so that tests can drive it. */
export interface SessionMachineInput {
  readonly protocol: Protocol;
  /** Fixed endpoint (ws/wss URL or provider); exclusive with `balancerUrl`. */
  readonly endpoint?: ValueOrProvider<string>;
  /** Balancer base URL (or provider); exclusive with `endpoint`. */
  readonly balancerUrl?: ValueOrProvider<string>;
  readonly codecs: readonly CodecName[];
  /** Makes the codec a connection speaks once negotiated (injected, so only offered codecs are bundled). */
  readonly createCodec: (name: CodecName) => Codec;
  readonly subprotocolNames: Readonly<Record<CodecName, string>>;
  readonly auth: ResolvedAuth;
  readonly backoff: BackoffOptions;
  readonly closeCodes: Readonly<Record<number, CloseReaction>>;
  readonly timeouts: PhaseTimeouts;
  /** Overrides the heartbeat the server announces; without either, {@link DEFAULT_HEARTBEAT_MS}. */
  readonly heartbeatMs?: number;
  readonly maxMessageBytes: number;
  /** Largest incoming message in bytes (`maxInboundBytes`); unlimited when absent. */
  readonly maxInboundBytes?: number;
  /** Largest outgoing frame in bytes (`maxFrameBytes`); unlimited when absent. */
  readonly maxFrameBytes?: number;
  /** `name/version` sent in the initialize request. */
  readonly clientName: string;
  readonly WebSocket: WebSocketConstructor;
  /** What the platform's WebSocket offers beyond the standard API: the Node entry passes the one for `ws`; none in browsers. */
  readonly socketExtensions?: SocketExtensions;
  readonly fetch?: typeof fetch;
  readonly random: () => number;
  readonly now: () => number;
  readonly nextId: () => number;
  readonly inbound: InboundSink;
  /** Told of each socket's end (see the socket actor), so the session's `close()` can wait for it. */
  readonly onSocketGone?: (gone: Promise<void>) => void;
  /** The `seq` of the last stream message delivered, for resume. */
  readonly getLastSeq: () => number | undefined;
  /**
   * A server session to continue instead of starting a new one: `START` then goes straight to
   * `resuming` with this endpoint, Resume-Id and session id (the shared session's new leader
   * uses it to take over the session of the tab that led before). Without it, `START` resolves
   * or connects as usual.
   */
  readonly resumeFrom?: ResumePoint;
  /** Make-before-break rotation before a known connection lifetime (the `rotation` option); `false` turns it off. */
  readonly rotation?: RotationOptions | false;
}

/**
 * When to replace a connection before the server's maximum lifetime ends it (the `rotation`
 * option). See docs/lifecycle.md, "Rotation".
 */
export interface RotationOptions {
  /**
   * The connection's maximum lifetime in ms, for a server that does not announce one (a gateway's
   * 60 minutes: `3_600_000`). Overrides `connectionLifetimeMs` of the initialize result.
   * @default the lifetime the server announces; without one, no rotation
   */
  readonly lifetimeMs?: number;
  /**
   * How long before the end of the lifetime the replacement is opened (at most 90% of the lifetime).
   * What it leaves of the lifetime must be at least `reconnect.minUptimeMs`: only a connection that
   * proved itself is rotated (a `lifetimeMs` given here that leaves less is an OptionsError; a
   * server's lifetime that leaves less is not rotated, its close then resumed after a backoff).
   * @default 10% of the lifetime, at most 30 s (and never more than half of it)
   */
  readonly marginMs?: number;
}

/** Where a server session stands, enough for another client to resume it (see {@link SessionMachineInput.resumeFrom}). */
export interface ResumePoint {
  /** The endpoint the session lives on. */
  readonly endpoint: string;
  /** The latest Resume-Id the server issued for it. */
  readonly resumeId: string;
  /** The server's session id. */
  readonly sessionId: string;
  /** The `seq` of the last stream message received, if any (sent as `lastSeq` in the resume). */
  readonly lastSeq?: number;
}

/** Heartbeat used when neither the server nor the options give one. */
export const DEFAULT_HEARTBEAT_MS = 30_000;

/**
 * The shortest heartbeat: a `heartbeatMs` option below it is an OptionsError, and a heartbeat a
 * server announces is raised to it. Shorter ones turn every hiccup of the event loop into a
 * "dead" connection and a reconnect.
 */
export const MIN_HEARTBEAT_MS = 100;

/** The last close the session saw. */
export interface CloseInfo {
  /** The WebSocket close code; 1006 also stands for a timeout or a connection found dead. */
  readonly code: number;
  /** The close reason the server sent (empty when it sent none), or why the client dropped the connection. */
  readonly reason: string;
  /** Whether the close handshake completed. */
  readonly wasClean: boolean;
  /** The HTTP status that refused the WebSocket upgrade (code 1006), where the platform shows it (Node `ws`). */
  readonly httpStatus?: number;
}

/** Why a session ended; carried by the `closed` state. */
export interface ClosedReason {
  /**
   * WebSocket close code: the last close the session saw (the server's, or 1000 for a close the
   * client asked for, 1002 when the client closed over the server's protocol violation); 1006 when
   * the session ended without ever seeing one (a provider or the balancer failing, say).
   */
  readonly code: number;
  /** The close reason, or what went wrong when the session ended without a close from the server. */
  readonly reason: string;
  /** True when `close()` ended the session. */
  readonly clientRequested: boolean;
  /** The fatal error, when the session did not end cleanly. */
  readonly error?: WirestateError;
}

/** The machine's context. */
export interface SessionContext {
  readonly input: SessionMachineInput;
  endpoint?: string;
  location?: string;
  resumeId?: string;
  sessionId?: string;
  connectionId?: string;
  codec?: CodecName;
  /** Token used for the current connection attempt (wrapped, so the context prints without it). */
  token?: Secret<string>;
  /** Consecutive reconnect attempts since a connection last proved healthy (stayed authorized for `minUptimeMs`). */
  attempt: number;
  /** Delay of the pending reconnect, and when it fires (epoch ms). */
  retryDelayMs?: number;
  nextRetryAt?: number;
  /**
   * Whether the current (or, while `reconnecting`, the next) connection attempt resumes the
   * session rather than starting a new one: it picks the handshake, the initialize request and
   * the public state name (`resuming`).
   */
  resume: boolean;
  /** The close-code policy's verdict on the latest close, decided once when the close arrives. */
  decision?: CloseDecision;
  /** Whether the socket of the current attempt opened (a refusal on resume goes back to the balancer). */
  socketOpened: boolean;
  heartbeatMs: number;
  /** Delay until the next liveness check, shortened by how long the connection has already been quiet. */
  livenessDelayMs: number;
  /** True once a 4001 has been answered with one retry using a fresh token. */
  tokenRetryUsed: boolean;
  /** Count of times the session became authorized; the first is 1. */
  readyCount: number;
  /** Whether the latest authorized state continued the previous session (resume) or is a fresh one. */
  resumed: boolean;
  /**
   * The session id of the latest authorized state. A resume counts as one only when it continues
   * that session: resuming a fresh session that never became authorized still leaves the streams
   * to re-subscribe.
   */
  readySessionId?: string;
  lastClose?: CloseInfo;
  lastError?: WirestateError;
  /** The latest failure reported on `errors$` while (re)connecting, shown on `state$` until the session is authorized again. */
  lastFailure?: WirestateError;
  closedReason?: ClosedReason;
  /** The close code the client's socket closes with as the session ends (1000 when absent). */
  closeWith?: number;
  /** The open socket's own send, handed to the facade while `authorized` (see {@link DirectSend}). */
  directSend?: DirectSend;
  /** When the serving connection opened (epoch ms), for its lifetime. */
  connectionOpenedAt?: number;
  /** The serving connection's maximum lifetime, as the server announced it. */
  connectionLifetimeMs?: number;
  /** When the connection that became authorized last proves itself (`minUptimeMs` after it did): no rotation before. */
  healthyAt?: number;
  /** Connections replaced by a planned rotation so far. */
  rotations: number;
  /** Rotations failed in a row; the next try waits out the backoff of this count. */
  rotationFailures: number;
}

/**
 * Encodes and sends one request on the current socket, bypassing the machine's event queue.
 * Returns the error instead of throwing: an `OversizeMessageError` or `EncodeError` when the
 * message cannot go out (nothing is sent), a `ConnectionLostError` once the socket is released.
 * The machine hands it out on entry to `authorized` (the `ready` event) and takes it back on exit
 * (`connection-lost`); a holder must drop it then. `onLateError` hears of a failure found later:
 * a send held during a rotation that could not go out, or a request lost with a replaced socket
 * (a ConnectionLostError).
 */
export type DirectSend = (id: number, request: ProtocolRequest, onLateError?: (error: Error) => void) => Error | undefined;

/** Events the socket actor sends to the machine. */
export type SocketEvent =
  | { type: 'SOCKET.OPEN'; protocol: string; codec: CodecName; resumeId?: string; connectionId?: string; send?: DirectSend }
  | {
      type: 'SOCKET.CLOSED';
      code: number;
      reason: string;
      wasClean: boolean;
      /** Why the connection could not be made or failed, when the transport said (refused, DNS, an HTTP status on the upgrade). */
      error?: WirestateError;
      /** The HTTP status that refused the upgrade, where the platform shows it (Node `ws`). */
      httpStatus?: number;
    }
  | { type: 'SOCKET.FAILED'; error: WirestateError }
  | { type: 'LIFECYCLE.RESULT'; step: LifecycleStep; result: unknown }
  /** The initialize answer, parsed by the socket actor with the protocol's `parseInitializeResult`. */
  | { type: 'LIFECYCLE.INITIALIZED'; result: InitializeResult }
  /** An initialize answer the protocol could not read. */
  | { type: 'LIFECYCLE.INVALID'; error: WirestateError }
  /**
   * The server's error answer to a lifecycle request, or with `unsent` the client's own failure to
   * send it (it cannot be encoded): a flag, since any error code could also be the server's.
   */
  | { type: 'LIFECYCLE.ERROR'; step: LifecycleStep; error: ResponseError; unsent?: true }
  | { type: 'LIVENESS.OK'; quietForMs: number }
  | { type: 'LIVENESS.PINGED' }
  | { type: 'LIVENESS.DEAD' }
  /** A planned rotation replaced the serving connection; the session carries on unchanged. */
  | { type: 'SOCKET.ROTATED'; openedAt: number; resumeId?: string; connectionId?: string; lifetimeMs?: number }
  /** A planned rotation failed; the serving connection is still the old one. */
  | { type: 'SOCKET.ROTATION_FAILED'; error: WirestateError };

/** Lifecycle requests whose answers the machine itself waits for. */
export type LifecycleStep = 'initialize' | 'authorize' | 'ping';

/** An outgoing request of the correlator, handed to the socket through the machine. */
export interface SendEvent {
  type: 'SEND';
  id: number;
  request: ProtocolRequest;
  onSendError: (error: Error) => void;
}

/** Events the session (facade) sends to the machine. */
export type ControlEvent = { type: 'START' } | { type: 'CLOSE' } | SendEvent;

/** Every event the machine accepts (`ROTATION.DUE` is the machine's own delayed event). */
export type SessionEvent = ControlEvent | SocketEvent | { type: 'ROTATION.DUE' };

/** What the socket actor needs to replace its connection (see the socket actor's rotation). */
export interface RotateCommand {
  type: 'ROTATE';
  /** The replacement's handshake: resuming the session where the protocol can. */
  handshake: Secret<Handshake>;
  /** `name/version` for the resume initialize request. */
  client: string;
  /** Read when the resume initialize request is sent, so it carries the latest seq. */
  lastSeq: () => number | undefined;
  /** The whole handover (connect, drain, initialize or switch) must end within this. */
  timeoutMs: number;
  /** Whether the close policy resumes after a close with this code (then a handover under way carries on as the resume). */
  continuesAfter: (code: number) => boolean;
}

/** Commands the machine sends to the socket actor. */
export type SocketCommand =
  // An authorize request travels wrapped: it holds the credentials, and commands are inspectable.
  | { type: 'LIFECYCLE.REQUEST'; step: LifecycleStep; request: ProtocolRequest | Secret<ProtocolRequest> }
  | SendEvent
  | { type: 'LIVENESS.CHECK'; probing: boolean; heartbeatMs: number }
  | RotateCommand
  | { type: 'RELEASE'; code: number };

/** Events the machine emits for the session facade (`actor.on(type, handler)`). */
export type SessionEmitted =
  | { type: 'ready'; resumed: boolean; readyCount: number; send?: DirectSend }
  | { type: 'connection-lost' }
  | { type: 'error'; error: WirestateError }
  | { type: 'closed'; reason: ClosedReason };
