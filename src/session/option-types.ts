import type { InspectionEvent, Observer } from 'xstate';
import type { CodecName } from '../codecs/codec.js';
import type { CodecOption } from '../codecs/factory.js';
import type { BackoffOptions } from '../machine/backoff.js';
import type { PhaseTimeouts, RotationOptions, ValueOrProvider } from '../machine/types.js';
import type { CloseReaction, Protocol, TokenTransport } from '../protocol/types.js';
import type { WebSocketConstructor } from '../transport/types.js';
import type { SessionLogger } from './logger.js';

/**
 * How the session authenticates.
 *
 * - `{ license }` or `{ username, password }`: sent in the authorize request when the server asks.
 * - `{ token, transport }`: a string, or a (possibly async) provider called before every
 *   connection attempt. `transport` defaults to `'subprotocol'` (a `bearer.<token>` entry in
 *   `Sec-WebSocket-Protocol`), which keeps the token out of URLs and logs; `'query'` puts it in the
 *   URL (`token=`), `'packet'` sends it only in the authorize request.
 */
export type AuthOptions =
  | {
      /** A license key, sent in the authorize request. */
      readonly license: string;
    }
  | {
      /** A user name, sent with `password` in the authorize request. */
      readonly username: string;
      /** The user's password. */
      readonly password: string;
    }
  | {
      /** A token, or a (possibly async) provider asked before every connection attempt. */
      readonly token: ValueOrProvider<string>;
      /** How the token travels. @default 'subprotocol' */
      readonly transport?: TokenTransport;
    };

/** Options of {@link createSession}. Exactly one of `balancer` and `endpoint` is required. */
export interface SessionOptions {
  /** Balancer base URL (`http(s)://…`), or a provider of it; asked for an endpoint on every new session. */
  readonly balancer?: ValueOrProvider<string>;
  /** Fixed endpoint (`ws(s)://…`), or a provider of it, used instead of a balancer. */
  readonly endpoint?: ValueOrProvider<string>;
  /**
   * Codecs in order of preference, negotiated by subprotocol: `'json'` (built in) or codec
   * factories, `msgpack()` from `wirestate/msgpack` and `bson()` from `wirestate/bson`, so that an
   * app bundles only the codecs it offers. A server that selects none means JSON.
   * @default ['json']
   */
  readonly codecs?: readonly CodecOption[];
  /**
   * Subprotocol name of each codec, for servers that name them differently. Keys are codec names;
   * each name must be a valid subprotocol token, must not start with `bearer.` (that prefix carries
   * tokens), and no two offered codecs may share one.
   * @default { json: 'json.v1', msgpack: 'msgpack.v1', bson: 'bson.v1' }
   */
  readonly subprotocols?: Partial<Record<CodecName, string>>;
  /**
   * Credentials; without them a server that requires authorization ends the session with an
   * UnauthorizedError. Protocols without an authorize step (`plainStreams()`) do not use them.
   * Exactly one form: mixing keys of two (`{ license, token }`) or adding an unknown one is an
   * OptionsError. The secrets are kept out of what the session prints (`util.inspect`, `JSON.stringify`).
   */
  readonly auth?: AuthOptions;
  /**
   * Backoff between reconnect attempts: exponential with full jitter, capped, reset only once a
   * connection has stayed authorized for `minUptimeMs` (so a server that accepts and drops at once
   * cannot cause a storm, and `maxAttempts` is reached when every connection dies young).
   * @default { initialDelayMs: 250, maxDelayMs: 30_000, multiplier: 2, longDelayFactor: 8, maxAttempts: Infinity, minUptimeMs: 5_000 }
   */
  readonly reconnect?: Partial<BackoffOptions>;
  /**
   * Per-code override of the close-code policy, e.g. `{ 1008: 'resume' }` for servers that use 1008
   * for a missed pong. See the lifecycle guide for the default table.
   */
  readonly closeCodes?: Readonly<Record<number, CloseReaction>>;
  /**
   * Per-phase timeouts; each fires with a PhaseTimeoutError on `errors$` and a reconnect. `Infinity`
   * (or anything above 2^31-1 ms, which timers cannot hold) is clamped to about 24.8 days. An
   * unknown key (a typo such as `connnectMs`) is an OptionsError. `providerMs` bounds the endpoint
   * and token providers of each attempt (one that never settles is reported and retried instead of
   * holding the session for ever).
   * @default { balancerMs: 10_000, providerMs: 10_000, connectMs: 10_000, initializeMs: 10_000, authorizeMs: 10_000 }
   */
  readonly timeouts?: Partial<PhaseTimeouts>;
  /**
   * Default timeout of `request()`.
   * @default 10_000
   */
  readonly requestTimeoutMs?: number;
  /**
   * Liveness interval: with no frame for this long the client sends a ping request (where the
   * protocol has one; otherwise it just keeps watching), and with nothing for a further interval it
   * drops the connection and reconnects, resuming where the protocol can. Defaults to the heartbeat
   * the server announces, else the protocol's own default (`plainStreams()`: 3 minutes), else 30 s.
   * In Node (`ws`) a quiet connection also gets a WebSocket ping frame, and its pong proves the
   * connection alive; browsers cannot send ping frames, so there only received messages count,
   * and a connection that only receives sends the protocol's ping request (where it has one) after
   * a heartbeat without sending, for servers that idle out what sends them nothing.
   * At least `MIN_HEARTBEAT_MS` (100 ms; less is an OptionsError, and a shorter heartbeat
   * announced by a server is raised to it). Like the timeouts, clamped to 2^31-1 ms.
   */
  readonly heartbeatMs?: number;
  /**
   * Largest outgoing message in bytes; larger ones are refused locally with an OversizeMessageError.
   * @default 131_072 (128 KiB)
   */
  readonly maxMessageBytes?: number;
  /**
   * Largest incoming message in bytes. In Node (`ws`) a larger frame is refused while its header
   * is read, before its payload is buffered: the client closes the connection (sending 1009),
   * resumes after a backoff, and `errors$` gets an InboundOversizeError. Browsers cannot refuse a frame, so there
   * it is received, then dropped undecoded with an InboundOversizeError on `errors$`, and the
   * connection stays up. Raise it for servers that send large snapshots.
   * @default 4_194_304 (4 MiB)
   */
  readonly maxInboundBytes?: number;
  /**
   * Largest frame the server takes, in bytes, for servers whose frame limit is below their message
   * limit (the API gateway of docs/protocol.md section 9: 32 KB frames, 128 KB messages, a larger frame closes with 1009).
   * In Node (`ws`) a larger message is sent as several frames of at most this size. Browsers send
   * every message as one frame and cannot split it, so there a larger message is refused locally
   * with a FrameTooLargeError (nothing is sent, the session stays up).
   * @default undefined (no frame limit: every message is one frame)
   */
  readonly maxFrameBytes?: number;
  /**
   * How many requests may wait for the session to be authorized before `request()` fails with a QueueFullError.
   * @default 1000
   */
  readonly maxQueuedRequests?: number;
  /**
   * Most stream names in one subscribe or unsubscribe packet; larger batches are split.
   * @default 1000
   */
  readonly maxStreamsPerPacket?: number;
  /**
   * How long the last observer of a stream may be gone before it is unsubscribed. 0 decides at the
   * end of the tick, which already absorbs a same-tick re-mount.
   * @default 0
   */
  readonly unsubscribeLingerMs?: number;
  /**
   * Connect on first use (`stream()` observed or `request()` called) rather than on `start()`.
   * A boolean; anything else is an OptionsError.
   * @default true
   */
  readonly lazy?: boolean;
  /**
   * The wire dialect: `referenceProtocol()` (docs/protocol.md), `plainStreams()` for plain market-data (docs/protocol.md section 9)
   * market-data servers, or your own {@link Protocol} (see the protocol adapter guide).
   * @default referenceProtocol()
   */
  readonly protocol?: Protocol;
  /** `name/version` sent to the server in the initialize request; a non-empty string. @default 'wirestate/0.1.0' */
  readonly clientName?: string;
  /**
   * WebSocket constructor. Defaults to `ws` in Node and the global `WebSocket` in browsers. What
   * `ws` offers beyond the WebSocket API (response headers, ping frames, fragmenting) is used by
   * the Node entry only, for `ws` or a `ws`-like constructor given here.
   */
  readonly WebSocket?: WebSocketConstructor;
  /** `fetch` for the balancer call. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /**
   * An XState inspector: a function or an observer of inspection events, handed to the session's
   * actor (e.g. `createBrowserInspector().inspect` from `@statelyai/inspect`, which is an observer).
   * See the visualization guide.
   */
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Random source in [0, 1) for backoff jitter; injectable for tests. @default Math.random */
  readonly random?: () => number;
  /** Clock in epoch ms; injectable for tests. @default Date.now */
  readonly now?: () => number;
  /**
   * Where to log connection attempts, closes with their codes, retries with their delays and
   * errors (`console` fits; see {@link SessionLogger}). URLs are logged with query values masked
   * and without credentials, tokens never. Off by default.
   */
  readonly logger?: SessionLogger;
  /**
   * Shares one connection among every tab of this origin that passes the same name: one tab (the
   * leader, elected with the Web Locks API) holds the socket, the others reach it over a
   * `BroadcastChannel`, with the same `Session` API. Streams are ref-counted across tabs, and when
   * the leader goes another tab takes over and resumes the server session. The leader's options
   * are the ones used (its endpoint, auth and codecs); `session.actor` exists only in the leader.
   * Browsers only: where `navigator.locks` or `BroadcastChannel` is missing (Node) it is refused
   * with an OptionsError. See the front-end guide.
   * @default undefined (no sharing: this session has its own socket)
   */
  readonly share?: string;
  /**
   * Make-before-break rotation: shortly before the connection's maximum lifetime (announced by the
   * server as `connectionLifetimeMs`, or given here as `lifetimeMs`), the session opens a
   * replacement, resumes the same server session on it and switches over without losing or
   * duplicating a message and without leaving `authorized`. Protocols without resume switch
   * stream by stream (see docs/lifecycle.md, "Rotation", for what that guarantees). A failed
   * rotation is reported on `errors$` as a RotationError; the old connection keeps serving.
   * `false` turns it off (the connection is then resumed after the server closes it).
   * @default {} (rotate when the server announces a lifetime; margin 10% of it, at most 30 s)
   *
   * @example
   * ```ts
   * createSession({ endpoint: 'wss://gateway.example.com/ws', rotation: { lifetimeMs: 3_600_000 } });
   * ```
   */
  readonly rotation?: RotationOptions | false;
}

