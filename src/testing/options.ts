/**
 * Options of the reference test server and their defaults. Every timing is an option so tests can
 * run in milliseconds; the defaults are production-like (the API gateway of docs/protocol.md section 9: 10-minute idle timeout,
 * 60-minute lifetime, 128 KiB messages).
 */
import type { CodecName } from '../codecs/codec.js';
import { CODEC_NAMES, DEFAULT_SUBPROTOCOL_NAMES } from '../codecs/index.js';
import type { SubprotocolNames } from '../codecs/index.js';
import { MAX_TIMER_DELAY_MS, REFERENCE_PROTOCOL_VERSION } from '../constants.js';
import { OptionsError } from '../errors.js';
import type { StreamNameRule } from './stream-names.js';
import { streamNamePredicate } from './stream-names.js';

/** Credentials the server accepts. Any credential configured makes authorization required by default. */
export interface TestServerAuthOptions {
  /** Licenses accepted by `AUTHORIZE {license}`. */
  readonly licenses?: readonly string[];
  /** Username to password, accepted by `AUTHORIZE {username, password}`. */
  readonly users?: Readonly<Record<string, string>>;
  /** Tokens accepted at the handshake (`bearer.<token>` subprotocol or `token=` query) and by `AUTHORIZE {token}`. */
  readonly tokens?: readonly string[];
  /**
   * Checks a token that is not in `tokens`; may be async (the handshake waits for it). Useful to
   * accept a family of tokens (`(token) => token.startsWith('valid-')`) or to count checks.
   */
  readonly validateToken?: (token: string) => boolean | Promise<boolean>;
  /**
   * Whether a session must authorize before using any method but `PING`.
   * @default true when any of licenses, users, tokens or validateToken is given, else false
   */
  readonly required?: boolean;
  /**
   * When set, a successful `AUTHORIZE` reports `expiresAt = now + expiresInMs`. Informational: the
   * server does not revoke the authorization when it passes.
   */
  readonly expiresInMs?: number;
}

/** The context a custom method handler is called with. */
export interface MethodContext {
  /** The calling session. */
  readonly sessionId: string;
  /** The connection the request came on. */
  readonly connectionId: string;
}

/**
 * A handler for an application method. It returns the result (or a promise of it). To answer with an
 * error object, throw `{ code: number, message: string, data?: unknown }` (for example a
 * {@link MethodError}); anything else thrown becomes error `-32603`.
 */
export type MethodHandler = (params: unknown, context: MethodContext) => unknown;

/**
 * The wire dialect a test server speaks.
 *
 * - `reference`: docs/protocol.md (INITIALIZE, AUTHORIZE, resume with replay, `seq`, PING).
 * - `plain-streams`: docs/protocol.md section 9, the dialect of the client's `plainStreams()` protocol. A connection
 *   is ready as soon as it opens (one server session per connection, forgotten when it closes: no
 *   resume, no auth, no version or token check, no `Resume-Id`/`Connection-Id` headers). Requests
 *   `{method, params, id}`: SUBSCRIBE and UNSUBSCRIBE with an array of stream names (every name is
 *   accepted: the `streams` rule does not apply) are answered `{id, result: null}`; `ECHO` and the
 *   `methods` handlers are answered too; anything else, and every malformed or undecodable message,
 *   is silently ignored (counted in `stats().packetsIgnored`) and the connection stays open. Stream
 *   messages are `{stream, data}` without `seq`. Ping frames, idle and lifetime limits, inspection
 *   and fault injection work as in the reference dialect; the INITIALIZE and resume faults have
 *   nothing to act on.
 */
export type TestServerDialect = 'reference' | 'plain-streams';

/** Options of {@link createTestServer}. All are optional. */
export interface TestServerOptions {
  /** The wire dialect; see {@link TestServerDialect}. @default 'reference' */
  readonly dialect?: TestServerDialect;
  /** Interface to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. The balancer and the WebSocket endpoint share it. @default 0 */
  readonly port?: number;
  /** Path of the WebSocket endpoint. @default '/ws' */
  readonly path?: string;
  /** Codecs the server supports; an offered subprotocol of any other codec is never selected. @default all three */
  readonly codecs?: readonly CodecName[];
  /** Subprotocol name per codec. @default json.v1, msgpack.v1, bson.v1 */
  readonly subprotocols?: SubprotocolNames;
  /**
   * Whether the handshake must carry `version=1`. When true a missing version is answered with HTTP
   * 400; an unsupported version always is. Set false to accept clients that omit it.
   * @default true (docs/protocol.md section 2 says clients always send it; being strict catches clients that forget)
   */
  readonly requireVersion?: boolean;
  /** The `version` this server speaks; any other is answered with HTTP 400 (some servers speak `2.0`). @default '1' */
  readonly protocolVersion?: string;
  /** Credentials and whether authorization is required. @default none (no authorization required) */
  readonly auth?: TestServerAuthOptions;
  /** Heartbeat reported in the INITIALIZE result and the interval of the server's ping frames. @default 30_000 */
  readonly heartbeatMs?: number;
  /**
   * Whether the server sends ping frames every `heartbeatMs` and closes with `1008` a connection
   * that did not answer the previous one. Turn off to test the client's own liveness check.
   * @default true
   */
  readonly pingFrames?: boolean;
  /** A connection that sends no INITIALIZE within this time is closed with `4202`. @default 10_000 */
  readonly initTimeoutMs?: number;
  /** How long a dropped session is held for a resume. 0 forgets it at once. Always 0 in the plain-streams dialect. @default 60_000 */
  readonly resumeWindowMs?: number;
  /** How many recent stream messages each session keeps for a replay on resume. @default 10_000 */
  readonly replayBufferSize?: number;
  /**
   * A connection that receives no message (nor ping frame) for this long is closed with `1001`.
   * Pongs do not count, otherwise the server's own heartbeat would keep every connection busy.
   * 0 disables. @default 600_000 (10 minutes, as the gateway of docs/protocol.md section 9)
   */
  readonly idleTimeoutMs?: number;
  /** Every connection is closed with `1001` after this long. 0 disables. @default 3_600_000 (60 minutes, as the gateway of docs/protocol.md section 9) */
  readonly maxLifetimeMs?: number;
  /** Largest incoming message; a larger one closes the connection with `1009`. @default 131_072 (128 KiB) */
  readonly maxMessageBytes?: number;
  /**
   * A connection whose unsent output grows beyond this many bytes (a client that does not read) is
   * closed with `1013`, so a stalled client cannot exhaust the server's memory. 0 disables.
   * @default 134_217_728 (128 MiB)
   */
  readonly maxBufferedBytes?: number;
  /** Which stream names exist. @default {@link isDefaultStreamName} */
  readonly streams?: StreamNameRule;
  /** `location` in the balancer's answer. @default 'local-1' */
  readonly location?: string;
  /**
   * The endpoint the balancer answers with: a URL, or a function called on every balancer request
   * (to send clients to another server instance, as after a failover). Can be changed later with
   * `server.setBalancerEndpoint()`. @default the server's own endpointUrl
   */
  readonly balancerEndpoint?: string | (() => string);
  /** Application methods besides `ECHO` (which a handler of the same name replaces). */
  readonly methods?: Readonly<Record<string, MethodHandler>>;
  /** How many received packets are kept for inspection (oldest dropped first); 0 records none. @default 10_000 */
  readonly maxRecordedPackets?: number;
  /** On `close()` and `restart`, how long connections get to finish the close handshake before they are cut. @default 200 */
  readonly closeGraceMs?: number;
}

/** The options with every default applied. Internal. */
export interface ResolvedOptions {
  readonly dialect: TestServerDialect;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly codecs: readonly CodecName[];
  readonly subprotocols: Readonly<Record<CodecName, string>>;
  readonly requireVersion: boolean;
  readonly protocolVersion: string;
  readonly auth: TestServerAuthOptions;
  readonly authRequired: boolean;
  readonly heartbeatMs: number;
  readonly pingFrames: boolean;
  readonly initTimeoutMs: number;
  readonly resumeWindowMs: number;
  readonly replayBufferSize: number;
  readonly idleTimeoutMs: number;
  readonly maxLifetimeMs: number;
  readonly maxMessageBytes: number;
  readonly maxBufferedBytes: number;
  readonly isKnownStream: (name: string) => boolean;
  readonly location: string;
  readonly balancerEndpoint: string | (() => string) | undefined;
  readonly methods: Readonly<Record<string, MethodHandler>>;
  readonly maxRecordedPackets: number;
  readonly closeGraceMs: number;
}


function duration(name: string, value: number | undefined, fallback: number, allowZero: boolean): number {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved < 0 || (!allowZero && resolved === 0) || resolved > MAX_TIMER_DELAY_MS) {
    throw new OptionsError(
      `${name} must be ${allowZero ? '0 or ' : ''}a positive number up to ${MAX_TIMER_DELAY_MS}`,
    );
  }
  return resolved;
}

function count(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 0) {
    throw new OptionsError(`${name} must be an integer >= 0`);
  }
  return resolved;
}

function hasCredentials(auth: TestServerAuthOptions): boolean {
  return (
    (auth.licenses?.length ?? 0) > 0 ||
    Object.keys(auth.users ?? {}).length > 0 ||
    (auth.tokens?.length ?? 0) > 0 ||
    auth.validateToken !== undefined
  );
}

/** Applies defaults and validates; throws OptionsError with the option's name on a bad value. */
export function resolveOptions(options: TestServerOptions = {}): ResolvedOptions {
  const codecs = options.codecs ?? CODEC_NAMES;
  for (const codec of codecs) {
    if (!CODEC_NAMES.includes(codec)) throw new OptionsError(`unknown codec ${String(codec)}`);
  }
  const path = options.path ?? '/ws';
  if (!path.startsWith('/')) throw new OptionsError('path must start with /');
  const auth = options.auth ?? {};
  const dialect = options.dialect ?? 'reference';
  if (dialect !== 'reference' && dialect !== 'plain-streams') {
    throw new OptionsError("dialect must be 'reference' or 'plain-streams'");
  }
  // Nothing can be resumed in the plain-streams dialect, so nothing is held or buffered for it.
  const plain = dialect === 'plain-streams';
  return {
    dialect,
    host: options.host ?? '127.0.0.1',
    port: count('port', options.port, 0),
    path,
    codecs,
    subprotocols: { ...DEFAULT_SUBPROTOCOL_NAMES, ...options.subprotocols },
    requireVersion: options.requireVersion ?? true,
    protocolVersion: options.protocolVersion ?? REFERENCE_PROTOCOL_VERSION,
    auth,
    authRequired: auth.required ?? hasCredentials(auth),
    heartbeatMs: duration('heartbeatMs', options.heartbeatMs, 30_000, false),
    pingFrames: options.pingFrames ?? true,
    initTimeoutMs: duration('initTimeoutMs', options.initTimeoutMs, 10_000, false),
    resumeWindowMs: plain ? 0 : duration('resumeWindowMs', options.resumeWindowMs, 60_000, true),
    replayBufferSize: plain ? 0 : count('replayBufferSize', options.replayBufferSize, 10_000),
    idleTimeoutMs: duration('idleTimeoutMs', options.idleTimeoutMs, 600_000, true),
    maxLifetimeMs: duration('maxLifetimeMs', options.maxLifetimeMs, 3_600_000, true),
    maxMessageBytes: count('maxMessageBytes', options.maxMessageBytes, 128 * 1024),
    maxBufferedBytes: count('maxBufferedBytes', options.maxBufferedBytes, 128 * 1024 * 1024),
    isKnownStream: streamNamePredicate(options.streams),
    location: options.location ?? 'local-1',
    balancerEndpoint: options.balancerEndpoint,
    methods: options.methods ?? {},
    maxRecordedPackets: count('maxRecordedPackets', options.maxRecordedPackets, 10_000),
    closeGraceMs: duration('closeGraceMs', options.closeGraceMs, 200, true),
  };
}
