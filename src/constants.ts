/**
 * The wire vocabulary: every number and string the reference protocol (docs/protocol.md) gives a
 * meaning to, defined once and used by the client and by `wirestate/testing` alike, so the two
 * cannot drift apart. Pure data with no imports, so every layer may use it (like `errors.ts`) and
 * the browser entry stays free of Node built-ins.
 */

/**
 * The close codes the reference protocol names (docs/protocol.md section 8), by name. 1000-1015
 * are RFC 6455's (names as in the IANA registry, shortened); 4000-4202 are the protocol's own.
 * The client's reactions to them are per dialect, in `REFERENCE_CLOSE_CODES` and
 * `PLAIN_STREAMS_CLOSE_CODES`; `CLOSE_CODE_NAMES` is this table read backwards.
 *
 * @example
 * ```ts
 * if (event.code === CLOSE_CODES.Unauthorized) refreshToken();
 * ```
 */
export const CLOSE_CODES = Object.freeze({
  /** Normal closure: the peer is done (sent unasked by a server, the reference client resumes). */
  Normal: 1000,
  /** The endpoint is going away: a server shutting down, an idle timeout, a maximum lifetime. */
  GoingAway: 1001,
  /** A protocol error: a frame that breaks RFC 6455. */
  Protocol: 1002,
  /** Data of a type the endpoint cannot accept. */
  UnsupportedData: 1003,
  /** No status code in the close frame (never sent; reported for a bare close). */
  NoStatus: 1005,
  /** The connection ended without a close frame (never sent; reported for a drop). */
  Abnormal: 1006,
  /** A message that does not decode (bad UTF-8, a frame the codec refuses). */
  DataInvalid: 1007,
  /** A policy violation; some servers use it for a missed pong. */
  ViolatesPolicy: 1008,
  /** A message larger than the endpoint accepts. */
  DataTooLarge: 1009,
  /** The client needed an extension the server did not agree to. */
  MandatoryExtension: 1010,
  /** The server hit an unexpected condition. */
  ServerError: 1011,
  /** The server is restarting: its sessions are gone. */
  ServerRestart: 1012,
  /** The server is overloaded (or the client reads too slowly): come back after a longer delay. */
  TryAgainLater: 1013,
  /** A gateway got an invalid response from the server behind it. */
  BadGateway: 1014,
  /** The TLS handshake failed (never sent; reported locally). */
  TLS: 1015,
  /** The session was resumed on another connection (or a concurrent-login limit was hit). */
  Session: 4000,
  /** Credentials rejected at the handshake or by the authorize request. */
  Unauthorized: 4001,
  /** A packet other than the initialize request came first. */
  NotInitialized: 4002,
  /** No initialize request within the server's init timeout. */
  InitTimeout: 4202,
} as const);

/** The name of a close code in {@link CLOSE_CODES}. */
export type CloseCodeName = keyof typeof CLOSE_CODES;

/**
 * The response error codes of the reference protocol (docs/protocol.md section 4): 401 and 404 are
 * the protocol's own, the negative ones JSON-RPC's, for requests the protocol leaves open.
 */
export const ERROR_CODES = Object.freeze({
  /** Credentials rejected, or a method other than the ping before a required authorize succeeded. */
  unauthorized: 401,
  /** A subscribe request named an unknown or malformed stream. */
  unknownStream: 404,
  /** The packet is not a request: `method` is not a string, or a second initialize request. */
  invalidRequest: -32600,
  /** No such method. */
  methodNotFound: -32601,
  /** The params do not have the shape the method needs. */
  invalidParams: -32602,
  /** The server failed while answering. */
  internalError: -32603,
} as const);

/** Path of the balancer's endpoint query, appended to the balancer URL (docs/protocol.md section 1). */
export const BALANCER_PATH = '/v1/websocket/server';

/** Protocol version sent as the `version` query parameter (docs/protocol.md section 2). */
export const REFERENCE_PROTOCOL_VERSION = '1';

/** Prefix of the subprotocol entry that carries a token (`bearer.<token>`). The server never selects it. */
export const BEARER_SUBPROTOCOL_PREFIX = 'bearer.';

/**
 * One character a `Sec-WebSocket-Protocol` entry may contain: RFC 7230's `tchar` (section 3.2.6),
 * the only characters RFC 6455 allows in a subprotocol name. JWTs and base64url qualify; standard
 * base64 does not (`/` and `=`).
 */
const SUBPROTOCOL_TOKEN_CHARACTER = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/** A whole subprotocol entry: one or more {@link SUBPROTOCOL_TOKEN_CHARACTER}s. */
export const SUBPROTOCOL_TOKEN = new RegExp(`^${SUBPROTOCOL_TOKEN_CHARACTER.source}+$`);

/**
 * The largest delay `setTimeout` honours: anything above 2^31-1 ms fires at once in browsers and
 * Node, so longer delays are clamped to (or refused beyond) this, about 24.8 days.
 */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;
