import type { CodecName } from '../codecs/codec.js';

/**
 * What the client does when a connection closes. The close-code policy maps each close code to one.
 *
 * - `resume`: reconnect to the same endpoint at once and resume the session.
 * - `resume-after-backoff`: the same, after a backoff delay.
 * - `resume-after-long-backoff`: the same, after a longer backoff (the server asked to try later).
 * - `new-session`: start a fresh session at once (through the balancer when one is configured).
 * - `reconnect-after-backoff`: start a fresh session after a backoff delay.
 * - `retry-with-new-token`: fatal, unless the token provider can give a new token: then one new try.
 * - `fatal`: end in `closed` with an error; never reconnect.
 */
export type CloseReaction =
  | 'resume'
  | 'resume-after-backoff'
  | 'resume-after-long-backoff'
  | 'new-session'
  | 'reconnect-after-backoff'
  | 'retry-with-new-token'
  | 'fatal';

/** A protocol's default close-code reactions, as plain data: exact codes first, then ranges, then the fallback. */
export interface CloseCodeTable {
  /** Reactions for exact codes. */
  readonly codes: Readonly<Record<number, CloseReaction>>;
  /** Reactions for inclusive code ranges, first match wins. */
  readonly ranges: ReadonlyArray<{
    /** The lowest code of the range. */
    readonly from: number;
    /** The highest code of the range, included. */
    readonly to: number;
    /** The reaction to every code in it. */
    readonly reaction: CloseReaction;
  }>;
  /** Reaction for any code matched by neither. */
  readonly fallback: CloseReaction;
  /** How a close the server sent with 1000 (Normal) is handled when the client did not ask for it. */
  readonly unaskedNormalClose: CloseReaction;
}

/** How a token travels to the server. */
export type TokenTransport = 'subprotocol' | 'query' | 'packet';

/** Credentials for the authorize step. */
export type Credentials =
  | {
      /** A license key. */
      readonly license: string;
    }
  | {
      /** A user name. */
      readonly username: string;
      /** The user's password. */
      readonly password: string;
    }
  | {
      /** A bearer token, as the token provider gave it for this connection attempt. */
      readonly token: string;
    };

/** Everything a protocol needs to build the handshake of one connection attempt. */
export interface HandshakeContext {
  /** The endpoint URL (ws:// or wss://). */
  readonly endpoint: string;
  /** Codecs in preference order. */
  readonly codecs: readonly CodecName[];
  /** Subprotocol name of each codec. */
  readonly subprotocolNames: Readonly<Record<CodecName, string>>;
  /** The Resume-Id to resume with, when resuming. */
  readonly resumeId?: string;
  /** A token, when auth is by token and its transport is `subprotocol` or `query`. */
  readonly token?: string;
  /** The token transport in use. */
  readonly tokenTransport?: TokenTransport;
}

/** The URL, subprotocols and headers of one connection attempt. */
export interface Handshake {
  /** The URL to connect to, query parameters included. */
  readonly url: string;
  /** Subprotocols to offer (`Sec-WebSocket-Protocol`), in order of preference. */
  readonly protocols: readonly string[];
  /** Request headers, sent where the platform allows it (Node's `ws`; browsers cannot). */
  readonly headers: Readonly<Record<string, string>>;
}

/** What the initialize step tells the client. */
export interface InitializeResult {
  /** The server's id of the session; unchanged by a successful resume. */
  readonly sessionId?: string;
  /** The Resume-Id for the next resume (browsers cannot read it from the handshake's headers). */
  readonly resumeId?: string;
  /** True when the server kept the session (subscriptions, authorization, buffered messages). */
  readonly resumed: boolean;
  /** Server heartbeat; the client's liveness check runs at this interval. */
  readonly heartbeatMs?: number;
  /** Whether the authorize request must succeed before other requests are served. */
  readonly authRequired: boolean;
  /**
   * How long the server keeps this connection open at most (ms), when it says: the session then
   * replaces the connection shortly before (see the `rotation` option and docs/lifecycle.md).
   */
  readonly connectionLifetimeMs?: number;
}

/** Which lifecycle steps and features a protocol has; the machine skips what is missing. */
export interface ProtocolFeatures {
  /** A request must be sent first after connecting (its result is an {@link InitializeResult}). */
  readonly initialize: boolean;
  /** An authorize request exists (sent when the initialize result says it is required). */
  readonly authorize: boolean;
  /** A dropped session can be resumed (Resume-Id, `lastSeq`, replay). */
  readonly resume: boolean;
  /** Stream messages carry a session-wide `seq`. */
  readonly seq: boolean;
  /** A ping request exists for client-side liveness checks; without it liveness is by silence alone. */
  readonly ping: boolean;
}

/** A request the library sends, in protocol-neutral terms; the protocol turns it into a packet. */
export type ProtocolRequest =
  | {
      /** The first request of a connection. */
      readonly kind: 'initialize';
      /** `name/version` of the client. */
      readonly client: string;
      /** When resuming: the `seq` of the last stream message received (0 for none). */
      readonly lastSeq?: number;
    }
  | {
      /** Sent when the initialize result says authorization is required. */
      readonly kind: 'authorize';
      /** What to authorize with. */
      readonly credentials: Credentials;
    }
  | {
      /** Subscribes streams (one batch). */
      readonly kind: 'subscribe';
      /** The stream names, never empty. */
      readonly streams: readonly string[];
    }
  | {
      /** Unsubscribes streams (one batch). */
      readonly kind: 'unsubscribe';
      /** The stream names, never empty. */
      readonly streams: readonly string[];
    }
  | {
      /** A liveness probe, sent after a quiet heartbeat. */
      readonly kind: 'ping';
    }
  | {
      /** An application request from `session.request()`. */
      readonly kind: 'call';
      /** The method name, as the user gave it. */
      readonly method: string;
      /** Its parameters, if any. */
      readonly params?: unknown;
    };

/** An error object a server sent in a response. */
export interface ResponseError {
  /** The error code (the reference protocol uses 401, 404, -32601, …). */
  readonly code: number;
  /** A human-readable message. */
  readonly message: string;
  /** More detail, when the server sent any. */
  readonly data?: unknown;
}

/** An incoming packet, classified. */
export type IncomingPacket =
  | {
      /** A successful response. */
      readonly kind: 'result';
      /** The id of the request it answers. */
      readonly id: number;
      /** The result. */
      readonly result: unknown;
    }
  | {
      /** A failed response. */
      readonly kind: 'error';
      /** The id of the request it answers. */
      readonly id: number;
      /** What went wrong. */
      readonly error: ResponseError;
    }
  | {
      /** A message of a subscribed stream. */
      readonly kind: 'stream';
      /** The stream's name. */
      readonly stream: string;
      /** The message. */
      readonly data: unknown;
      /** Its session-wide sequence number, where the protocol has one. */
      readonly seq?: number;
    }
  | {
      /** A server event. */
      readonly kind: 'event';
      /** The event's name. */
      readonly event: string;
      /** Its payload, if any. */
      readonly data?: unknown;
    }
  | {
      /** Anything else: reported on `errors$` and otherwise ignored. */
      readonly kind: 'unknown';
      /** The packet as decoded. */
      readonly packet: unknown;
      /** Why it was not recognised. */
      readonly reason: string;
    };

/**
 * Everything dialect-specific about a server: handshake, packets, classification, which lifecycle
 * steps exist, and the default close-code reactions. The machine, streams, codecs and transport
 * never look inside packets themselves.
 */
export interface Protocol {
  /** Name for diagnostics (`reference`, `plain-streams`). */
  readonly name: string;
  /** Which lifecycle steps and features the protocol has. */
  readonly features: ProtocolFeatures;
  /** Default close-code reactions; users override per code. */
  readonly closeCodes: CloseCodeTable;
  /** Builds the URL, subprotocols and headers of one connection attempt. */
  handshake(context: HandshakeContext): Handshake;
  /** Builds the packet for one request with its correlation id. */
  encodeRequest(id: number, request: ProtocolRequest): unknown;
  /** Classifies one decoded packet. Never throws. */
  classify(packet: unknown): IncomingPacket;
  /** Validates an initialize result; throws a ProtocolViolationError when it has the wrong shape. */
  parseInitializeResult(result: unknown): InitializeResult;
  /** Which of the requested stream names a failed subscribe concerns (all of them when it cannot tell). */
  failedStreams(error: ResponseError, requested: readonly string[]): readonly string[];
  /** Whether a response error means the credentials were rejected. */
  isUnauthorized(error: ResponseError): boolean;
  /**
   * Method names the session sends itself (lifecycle, subscriptions), which `request()` refuses
   * with a `ReservedMethodError`. Compared exactly (case-sensitive), like methods on the wire.
   * @default [] (nothing is refused)
   */
  readonly reservedMethods?: readonly string[];
  /**
   * Whether the server answers subscribe and unsubscribe requests. When false, the session sends
   * each one once per connection and counts it as done once it is sent: no answer is awaited, so
   * a server that never answers causes no timeout, no retry and no `subscribing` state that lasts.
   * @default true
   */
  readonly acknowledgesSubscriptions?: boolean;
  /**
   * The heartbeat the session uses with this protocol when the `heartbeatMs` option is not given.
   * It acts exactly as that option would (it also wins over a heartbeat an INITIALIZE result
   * announces), so set it only for protocols whose servers announce none.
   * @default undefined (the server's announcement, else 30 s)
   */
  readonly defaultHeartbeatMs?: number;
  /**
   * Whether the protocol has any use for the session's `auth` option. When false, a session
   * created with `auth` fails at once with an OptionsError instead of silently never sending it.
   * @default true
   */
  readonly usesAuth?: boolean;
}
