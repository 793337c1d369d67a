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
  readonly ranges: ReadonlyArray<{ readonly from: number; readonly to: number; readonly reaction: CloseReaction }>;
  /** Reaction for any code matched by neither. */
  readonly fallback: CloseReaction;
  /** How a close the server sent with 1000 (Normal) is handled when the client did not ask for it. */
  readonly unaskedNormalClose: CloseReaction;
}

/** How a token travels to the server. */
export type TokenTransport = 'subprotocol' | 'query' | 'packet';

/** Credentials for the authorize step. */
export type Credentials = { readonly license: string } | { readonly username: string; readonly password: string } | { readonly token: string };

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
  readonly url: string;
  readonly protocols: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
}

/** What the initialize step tells the client. */
export interface InitializeResult {
  readonly sessionId?: string;
  readonly resumeId?: string;
  /** True when the server kept the session (subscriptions, authorization, buffered messages). */
  readonly resumed: boolean;
  /** Server heartbeat; the client's liveness check runs at this interval. */
  readonly heartbeatMs?: number;
  readonly authRequired: boolean;
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
  | { readonly kind: 'initialize'; readonly client: string; readonly lastSeq?: number }
  | { readonly kind: 'authorize'; readonly credentials: Credentials }
  | { readonly kind: 'subscribe'; readonly streams: readonly string[] }
  | { readonly kind: 'unsubscribe'; readonly streams: readonly string[] }
  | { readonly kind: 'ping' }
  | { readonly kind: 'call'; readonly method: string; readonly params?: unknown };

/** An error object a server sent in a response. */
export interface ResponseError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** An incoming packet, classified. */
export type IncomingPacket =
  | { readonly kind: 'result'; readonly id: number; readonly result: unknown }
  | { readonly kind: 'error'; readonly id: number; readonly error: ResponseError }
  | { readonly kind: 'stream'; readonly stream: string; readonly data: unknown; readonly seq?: number }
  | { readonly kind: 'event'; readonly event: string; readonly data?: unknown }
  | { readonly kind: 'unknown'; readonly packet: unknown; readonly reason: string };

/**
 * Everything dialect-specific about a server: handshake, packets, classification, which lifecycle
 * steps exist, and the default close-code reactions. The machine, streams, codecs and transport
 * never look inside packets themselves.
 */
export interface Protocol {
  /** Name for diagnostics (`reference`, `plain-streams`). */
  readonly name: string;
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
}
