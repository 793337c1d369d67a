import type { InspectionEvent, Observer } from 'xstate';
import type { CodecName } from '../codecs/codec.js';
import { isCodecName } from '../codecs/index.js';
import { DEFAULT_SUBPROTOCOL_NAMES } from '../codecs/negotiation.js';
import { OptionsError } from '../errors.js';
import { DEFAULT_BACKOFF, validateBackoffOptions, type BackoffOptions } from '../machine/backoff.js';
import { validateCloseCodeOverrides } from '../machine/close-policy.js';
import type { PhaseTimeouts, ResolvedAuth, SessionMachineInput, ValueOrProvider } from '../machine/types.js';
import { referenceProtocol } from '../protocol/reference/index.js';
import type { CloseReaction, Protocol, TokenTransport } from '../protocol/types.js';
import { MAX_TIMER_DELAY_MS } from '../streams/timers.js';
import type { WebSocketConstructor } from '../transport/types.js';

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
   * Codecs in order of preference, negotiated by subprotocol.
   * @default ['msgpack', 'json', 'bson']
   */
  readonly codecs?: readonly CodecName[];
  /**
   * Subprotocol name of each codec, for servers that name them differently.
   * @default { json: 'json.v1', msgpack: 'msgpack.v1', bson: 'bson.v1' }
   */
  readonly subprotocols?: Partial<Record<CodecName, string>>;
  /**
   * Credentials; without them a server that requires authorization ends the session with an
   * UnauthorizedError. Protocols without an authorize step (`plainStreams()`) do not use them.
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
   * (or anything above 2^31-1 ms, which timers cannot hold) is clamped to about 24.8 days.
   * `providerMs` bounds the endpoint and token providers of each attempt (one that never settles is
   * reported and retried instead of holding the session for ever).
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
   * the server announces, else 30 s (so always 30 s with `plainStreams()`, whose servers announce none).
   * Like the timeouts, clamped to 2^31-1 ms.
   */
  readonly heartbeatMs?: number;
  /**
   * Largest outgoing message in bytes; larger ones are refused locally with an OversizeMessageError.
   * @default 131_072 (128 KiB)
   */
  readonly maxMessageBytes?: number;
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
   * @default true
   */
  readonly lazy?: boolean;
  /**
   * The wire dialect: `referenceProtocol()` (PROTOCOL.md), `plainStreams()` for seed-003-style
   * market-data servers, or your own {@link Protocol} (see the protocol adapter guide).
   * @default referenceProtocol()
   */
  readonly protocol?: Protocol;
  /** `name/version` sent to the server in the initialize request. @default 'wirestate/0.1.0' */
  readonly clientName?: string;
  /** WebSocket constructor. Defaults to `ws` in Node and the global `WebSocket` in browsers. */
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
}

/** The options the machine takes as they are (see {@link SessionMachineInput}). */
type MachineOptionKeys =
  | 'balancerUrl' | 'endpoint' | 'codecs' | 'subprotocolNames' | 'auth' | 'backoff' | 'closeCodes' | 'timeouts'
  | 'heartbeatMs' | 'maxMessageBytes' | 'protocol' | 'clientName' | 'fetch' | 'random' | 'now';

/** The options after validation and defaults: the machine's share, plus what the session layer uses itself. */
export interface ResolvedOptions extends Pick<SessionMachineInput, MachineOptionKeys> {
  readonly requestTimeoutMs: number;
  readonly maxQueuedRequests: number;
  readonly maxStreamsPerPacket: number;
  readonly unsubscribeLingerMs: number;
  readonly lazy: boolean;
  readonly WebSocket?: WebSocketConstructor;
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

const DEFAULT_TIMEOUT_MS = 10_000;
const KNOWN_OPTIONS = new Set([
  'balancer', 'endpoint', 'codecs', 'subprotocols', 'auth', 'reconnect', 'closeCodes', 'timeouts', 'requestTimeoutMs', 'heartbeatMs',
  'maxMessageBytes', 'maxQueuedRequests', 'maxStreamsPerPacket', 'unsubscribeLingerMs', 'lazy', 'protocol', 'clientName', 'WebSocket',
  'fetch', 'inspect', 'random', 'now', 'share',
]);

function positiveNumber(name: string, value: unknown, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!allowZero && value === 0)) {
    throw new OptionsError(`\`${name}\` must be a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds or a count; got ${String(value)}.`);
  }
  return value;
}

/**
 * A delay that ends up in `setTimeout`, which fires after 1 ms for anything above 2^31-1 ms
 * (`Infinity` included): clamped to that (about 24.8 days), so a huge value or `Infinity` means
 * "practically never" instead of "at once".
 */
function timerDelay(name: string, value: unknown, fallback: number, allowZero = false): number {
  return Math.min(positiveNumber(name, value, fallback, allowZero), MAX_TIMER_DELAY_MS);
}

function wholeNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new OptionsError(`\`${name}\` must be a whole number of 1 or more; got ${String(value)}.`);
  }
  return value;
}

function urlOrProvider(name: string, value: unknown, schemes: RegExp, example: string): ValueOrProvider<string> | undefined {
  if (value === undefined || typeof value === 'function') return value as ValueOrProvider<string> | undefined;
  if (typeof value !== 'string' || !schemes.test(value)) {
    throw new OptionsError(`\`${name}\` must be an absolute URL like '${example}' (or a function returning one); got ${JSON.stringify(value)}.`);
  }
  try {
    new URL(value);
  } catch {
    throw new OptionsError(`\`${name}\` is not a valid URL: ${JSON.stringify(value)}.`);
  }
  return value;
}

function resolveAuth(auth: unknown): ResolvedAuth {
  if (auth === undefined) return { kind: 'none' };
  if (typeof auth !== 'object' || auth === null) throw new OptionsError('`auth` must be { license }, { username, password } or { token, transport? }.');
  const value = auth as Record<string, unknown>;
  if ('token' in value) {
    const transport = value.transport ?? 'subprotocol';
    if (transport !== 'subprotocol' && transport !== 'query' && transport !== 'packet') {
      throw new OptionsError(`\`auth.transport\` must be 'subprotocol', 'query' or 'packet'; got ${JSON.stringify(transport)}.`);
    }
    if (typeof value.token !== 'function' && (typeof value.token !== 'string' || value.token.length === 0)) {
      throw new OptionsError('`auth.token` must be a non-empty string or a function returning one (possibly async).');
    }
    return { kind: 'token', token: value.token as ValueOrProvider<string>, transport };
  }
  if ('license' in value) {
    if (typeof value.license !== 'string' || value.license.length === 0) throw new OptionsError('`auth.license` must be a non-empty string.');
    return { kind: 'credentials', credentials: { license: value.license } };
  }
  if ('username' in value || 'password' in value) {
    if (typeof value.username !== 'string' || typeof value.password !== 'string') {
      throw new OptionsError('`auth` with credentials needs both `username` and `password` as strings.');
    }
    return { kind: 'credentials', credentials: { username: value.username, password: value.password } };
  }
  throw new OptionsError('`auth` must be { license }, { username, password } or { token, transport? }.');
}

/** Inspectors come as functions or, like `@statelyai/inspect`'s, as observers; XState takes both. */
function isInspector(value: unknown): boolean {
  if (typeof value === 'function') return true;
  return typeof value === 'object' && value !== null && typeof (value as { next?: unknown }).next === 'function';
}

/**
 * Validates `createSession` options and fills in defaults. Throws an OptionsError that names the
 * option, says what was wrong and what is expected.
 */
export function resolveOptions(options: SessionOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new OptionsError('createSession() needs an options object with `balancer` or `endpoint`.');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new OptionsError(`Unknown option \`${key}\`. Known options: ${[...KNOWN_OPTIONS].join(', ')}.`);
  }
  if (options.balancer === undefined && options.endpoint === undefined) {
    throw new OptionsError('Pass `balancer` (an http(s) URL of the balancer) or `endpoint` (a ws(s) URL): one is required.');
  }
  if (options.balancer !== undefined && options.endpoint !== undefined) {
    throw new OptionsError('Pass either `balancer` or `endpoint`, not both: with a balancer the endpoint comes from its answer.');
  }
  const codecs = options.codecs ?? (['msgpack', 'json', 'bson'] as const);
  if (!Array.isArray(codecs) || codecs.length === 0 || !codecs.every(isCodecName)) {
    throw new OptionsError(`\`codecs\` must be a non-empty array of 'json', 'msgpack', 'bson'; got ${JSON.stringify(options.codecs)}.`);
  }
  const subprotocolNames = { ...DEFAULT_SUBPROTOCOL_NAMES, ...(options.subprotocols ?? {}) };
  for (const [codec, name] of Object.entries(subprotocolNames)) {
    if (typeof name !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
      throw new OptionsError(`\`subprotocols.${codec}\` must be a valid subprotocol token; got ${JSON.stringify(name)}.`);
    }
  }
  const timeouts = options.timeouts ?? {};
  const protocol = options.protocol ?? referenceProtocol();
  if (typeof protocol !== 'object' || protocol === null || typeof protocol.classify !== 'function' || typeof protocol.encodeRequest !== 'function') {
    throw new OptionsError('`protocol` must be a Protocol object, e.g. referenceProtocol() or plainStreams().');
  }
  for (const name of ['WebSocket', 'fetch', 'random', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new OptionsError(`\`${name}\` must be a function; got ${typeof options[name]}.`);
  }
  if (options.inspect !== undefined && !isInspector(options.inspect)) {
    throw new OptionsError(`\`inspect\` must be a function or an observer with a \`next\` method (an XState inspector); got ${typeof options.inspect}.`);
  }
  return {
    ...(options.balancer === undefined ? {} : { balancerUrl: urlOrProvider('balancer', options.balancer, /^https?:\/\//i, 'http://127.0.0.1:8080') }),
    ...(options.endpoint === undefined ? {} : { endpoint: urlOrProvider('endpoint', options.endpoint, /^wss?:\/\//i, 'ws://127.0.0.1:8081/ws') }),
    codecs: [...new Set(codecs)],
    subprotocolNames,
    auth: resolveAuth(options.auth),
    backoff: validateBackoffOptions({ ...DEFAULT_BACKOFF, ...(options.reconnect ?? {}) }),
    closeCodes: validateCloseCodeOverrides(options.closeCodes ?? {}),
    timeouts: {
      balancerMs: timerDelay('timeouts.balancerMs', timeouts.balancerMs, DEFAULT_TIMEOUT_MS),
      connectMs: timerDelay('timeouts.connectMs', timeouts.connectMs, DEFAULT_TIMEOUT_MS),
      initializeMs: timerDelay('timeouts.initializeMs', timeouts.initializeMs, DEFAULT_TIMEOUT_MS),
      authorizeMs: timerDelay('timeouts.authorizeMs', timeouts.authorizeMs, DEFAULT_TIMEOUT_MS),
      providerMs: timerDelay('timeouts.providerMs', timeouts.providerMs, DEFAULT_TIMEOUT_MS),
    },
    requestTimeoutMs: positiveNumber('requestTimeoutMs', options.requestTimeoutMs, DEFAULT_TIMEOUT_MS),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: timerDelay('heartbeatMs', options.heartbeatMs, 0) }),
    maxMessageBytes: positiveNumber('maxMessageBytes', options.maxMessageBytes, 128 * 1024),
    maxQueuedRequests: wholeNumber('maxQueuedRequests', options.maxQueuedRequests, 1000),
    maxStreamsPerPacket: positiveNumber('maxStreamsPerPacket', options.maxStreamsPerPacket, 1000),
    unsubscribeLingerMs: timerDelay('unsubscribeLingerMs', options.unsubscribeLingerMs, 0, true),
    lazy: options.lazy ?? true,
    protocol,
    clientName: options.clientName ?? 'wirestate/0.1.0',
    ...(options.WebSocket === undefined ? {} : { WebSocket: options.WebSocket }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
  };
}
