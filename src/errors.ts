/**
 * Typed errors. Every error the library surfaces is a {@link WirestateError} with a stable
 * `code`, so callers can branch with `instanceof` or on `error.code`. The message is one short
 * clause; the data sits in typed fields (`status`, `phase`, `limit`, `stream`, `method`, …), and
 * what to do about each code is in `docs/errors.md#<code>`.
 *
 * This file is the lowest layer: every other layer may import it, it imports nothing.
 */

/** Stable, machine-readable identifiers of every error kind; each has a section in `docs/errors.md`. */
export type WirestateErrorCode =
  | 'options' | 'decode' | 'encode' | 'negotiation' | 'balancer' | 'timeout' | 'connection' | 'transport' | 'closed'
  | 'server' | 'request-timeout' | 'aborted' | 'oversize' | 'queue-full' | 'subscribe' | 'unauthorized' | 'protocol'
  | 'recording' | 'reserved-method' | 'rotation';

/**
 * Base class of every error wirestate creates. Subclasses pass their data fields as `fields`: the
 * one place they are set, so every class is a `declare` of its fields and one `super` call.
 *
 * @example
 * ```ts
 * try { await session.request('ECHO', 1); }
 * catch (error) { if (error instanceof WirestateError && error.code === 'request-timeout') retry(); }
 * ```
 */
export class WirestateError extends Error {
  /** Stable identifier of the error kind: the section of `docs/errors.md` that says what to do. */
  readonly code: WirestateErrorCode;

  /**
   * @param message - one short clause, no advice (that is in `docs/errors.md`).
   * @param fields - the subclass's data fields, set as own properties.
   */
  constructor(code: WirestateErrorCode, message: string, options?: { cause?: unknown }, fields?: object) {
    super(message, options);
    this.code = code;
    // Not new.target.name alone: a minifier renames classes, and `name` is what logs and stack traces show.
    this.name = new.target === WirestateError ? 'WirestateError' : new.target.name;
    Object.assign(this, fields);
  }
}

/** An option passed to `createSession` (or another factory) is missing, of the wrong type or inconsistent; the message names it. */
export class OptionsError extends WirestateError {
  /** Always `'OptionsError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'OptionsError';
  constructor(message: string) {
    super('options', message);
  }
}

/** A frame could not be decoded by the negotiated codec, or had the wrong frame type for it. */
export class DecodeError extends WirestateError {
  /** Always `'DecodeError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'DecodeError';
  /** The codec that failed. */
  declare readonly codec: string;
  /** Whether the frame arrived as text or binary. */
  declare readonly frameType: 'text' | 'binary';

  constructor(codec: string, frameType: 'text' | 'binary', message: string, options?: { cause?: unknown }) {
    super('decode', message, options, { codec, frameType });
  }
}

/** The server selected a subprotocol the client did not offer. */
export class NegotiationError extends WirestateError {
  /** Always `'NegotiationError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'NegotiationError';
  /** The subprotocol the server selected. */
  declare readonly selected: string;
  /** What the client offered (bearer entries redacted). */
  declare readonly offered: readonly string[];

  constructor(selected: string, offered: readonly string[]) {
    super('negotiation', 'server selected a subprotocol that was not offered', undefined, { selected, offered });
  }
}

/** The balancer could not be reached or gave an unusable answer. `retryable` says whether backing off and retrying makes sense. */
export class BalancerError extends WirestateError {
  /** Always `'BalancerError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'BalancerError';
  /** HTTP status, when the balancer answered at all. */
  declare readonly status: number | undefined;
  /** True for network errors, timeouts, 5xx and 429; false for other 4xx and malformed answers. */
  declare readonly retryable: boolean;

  constructor(message: string, options: { status?: number; retryable: boolean; cause?: unknown }) {
    super('balancer', message, { cause: options.cause }, { status: options.status, retryable: options.retryable });
  }
}

/** A lifecycle phase (balancer, provider, connect, initialize, authorize) did not finish within its timeout. */
export class PhaseTimeoutError extends WirestateError {
  /** Always `'PhaseTimeoutError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'PhaseTimeoutError';
  /** The phase that timed out (`provider`: an endpoint or token provider that did not settle). */
  declare readonly phase: 'balancer' | 'provider' | 'connect' | 'initialize' | 'authorize';
  /** The timeout that fired, in milliseconds. */
  declare readonly timeoutMs: number;

  constructor(phase: PhaseTimeoutError['phase'], timeoutMs: number) {
    super('timeout', 'lifecycle phase timed out', undefined, { phase, timeoutMs });
  }
}

/**
 * A connection attempt failed, or an open connection broke, below the WebSocket protocol: refused,
 * a DNS failure, an HTTP status instead of the upgrade, invalid handshake headers. Reported on
 * `errors$` and as `state$`'s `lastFailure`; the close-code policy then decides (an upgrade refused
 * with 401 or 403 counts as rejected credentials).
 */
export class TransportError extends WirestateError {
  /** Always `'TransportError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'TransportError';
  /** The HTTP status that refused the upgrade, where the platform shows it (Node `ws`; browsers never do). */
  declare readonly httpStatus: number | undefined;

  constructor(message: string, options?: { httpStatus?: number; cause?: unknown }) {
    super('transport', message, { cause: options?.cause }, { httpStatus: options?.httpStatus });
  }
}

/** The connection failed or was closed, and the close-code policy made that fatal. */
export class ConnectionClosedError extends WirestateError {
  /** Always `'ConnectionClosedError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'ConnectionClosedError';
  /** WebSocket close code. */
  declare readonly closeCode: number;
  /** Close reason text sent by the server (may be empty). */
  declare readonly reason: string;

  constructor(closeCode: number, reason: string, message = 'connection closed with a fatal code', options?: { cause?: unknown }) {
    super('connection', message, options, { closeCode, reason });
  }
}

/** The server rejected the credentials (an authorize request answered with error 401, or close 4001). */
export class UnauthorizedError extends WirestateError {
  /** Always `'UnauthorizedError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'UnauthorizedError';
  /** The HTTP status of a refused upgrade (401 or 403), when that is how the server said it. */
  declare readonly httpStatus?: number;
  /** The close code (4001), when the server said it by closing. */
  declare readonly closeCode?: number;

  constructor(message = 'credentials rejected', fields?: { readonly httpStatus?: number; readonly closeCode?: number }) {
    super('unauthorized', message, undefined, fields);
  }
}

/** The operation could not finish because the session is closed (or closed while it was pending); `cause` holds the error that closed it. */
export class SessionClosedError extends WirestateError {
  /** Always `'SessionClosedError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'SessionClosedError';
  constructor(message = 'session closed', options?: { cause?: unknown }) {
    super('closed', message, options);
  }
}

/** The server answered a request with an error object; its code, message and data are in fields. */
export class ServerError extends WirestateError {
  /** Always `'ServerError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'ServerError';
  /** Error code from the server (for example 401, 404, -32601). */
  declare readonly serverCode: number;
  /** The server's own error message, verbatim. */
  declare readonly serverMessage: string;
  /** Optional extra data from the server. */
  declare readonly data: unknown;
  /** The method of the failed request. */
  declare readonly method: string;

  constructor(method: string, serverCode: number, serverMessage: string, data?: unknown) {
    super('server', 'server answered with an error', undefined, { serverCode, serverMessage, data, method });
  }
}

/**
 * A request got no answer within its timeout. `sent` tells the two cases apart: `false` when the
 * request was still waiting for the session to be ready (never sent: the server cannot have acted
 * on it), with the reason in `notSentReason`; `true` when it went out and no answer came.
 */
export class RequestTimeoutError extends WirestateError {
  /** Always `'RequestTimeoutError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'RequestTimeoutError';
  /** The method of the request. */
  declare readonly method: string;
  /** The timeout that fired, in milliseconds. */
  declare readonly timeoutMs: number;
  /** Whether the request was ever sent. */
  declare readonly sent: boolean;
  /** Why it was never sent (`the session is not connected (state reconnecting; last close 1006)`); undefined when `sent`. */
  declare readonly notSentReason: string | undefined;

  /** @param notSent - given when the request was never sent: why (`the session is not connected …`). */
  constructor(method: string, timeoutMs: number, notSent?: { readonly reason: string }) {
    const fields = { method, timeoutMs, sent: notSent === undefined, notSentReason: notSent?.reason };
    super('request-timeout', fields.sent ? 'request timed out' : 'request timed out before it was sent', undefined, fields);
  }
}

/** A request (or a `waitFor`) was aborted through its AbortSignal; `cause` is the signal's reason. */
export class RequestAbortedError extends WirestateError {
  /** Always `'RequestAbortedError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'RequestAbortedError';
  /** The method of the request (`waitFor('authorized')` for a wait). */
  declare readonly method: string;

  constructor(method: string, options?: { cause?: unknown }) {
    super('aborted', 'request aborted', options, { method });
  }
}

/** An outgoing message was larger than the limit; it was not sent and the session stays up. */
export class OversizeMessageError extends WirestateError {
  /** Always `'OversizeMessageError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'OversizeMessageError';
  /** Encoded size in bytes. */
  declare readonly size: number;
  /** The configured limit in bytes. */
  declare readonly limit: number;

  constructor(size: number, limit: number) {
    super('oversize', 'outgoing message over the size limit', undefined, { size, limit });
  }
}

/** Too many requests were queued while the session was not yet authorized. */
export class QueueFullError extends WirestateError {
  /** Always `'QueueFullError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'QueueFullError';
  /** The limit that was reached (option `maxQueuedRequests`). */
  declare readonly limit: number;

  constructor(limit: number) {
    super('queue-full', 'request queue full', undefined, { limit });
  }
}

/** A subscribe request failed for the named stream(s). Only the observers of those streams receive it. */
export class SubscribeError extends WirestateError {
  /** Always `'SubscribeError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'SubscribeError';
  /** The stream this error is delivered for. */
  declare readonly stream: string;
  /** Error code from the server. */
  declare readonly serverCode: number;
  /** The server's own error message, verbatim. */
  declare readonly serverMessage: string;

  constructor(stream: string, serverCode: number, serverMessage: string) {
    super('subscribe', 'subscribe refused by the server', undefined, { stream, serverCode, serverMessage });
  }
}

/** The server sent something the protocol does not allow (for example an initialize result of the wrong shape). */
export class ProtocolViolationError extends WirestateError {
  /** Always `'ProtocolViolationError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'ProtocolViolationError';
  constructor(message: string, fields?: object) {
    super('protocol', message, undefined, fields);
  }
}

/**
 * The connection dropped while a request was in flight, and the request was not marked
 * idempotent, so it was not sent again: the server may or may not have acted on it. Retry it
 * yourself when that is safe, or pass `idempotent: true` to `request()` to have it re-sent after
 * the session is ready again. Its `code` is `'connection'`, like {@link ConnectionClosedError}.
 *
 * A transport may also report it from a send attempt on a socket that is not open: the request
 * is then treated as if the connection had dropped under it.
 */
export class ConnectionLostError extends WirestateError {
  /** Always `'ConnectionLostError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'ConnectionLostError';
  constructor(message = 'connection lost before the answer', options?: { cause?: unknown }) {
    super('connection', message, options);
  }
}

/**
 * `session.ready()` or `session.waitFor()` gave up: the session did not reach the state within
 * the `timeoutMs` it was given. The session itself carries on. Its `code` is `'timeout'`, like
 * {@link PhaseTimeoutError}.
 */
export class StateTimeoutError extends WirestateError {
  /** Always `'StateTimeoutError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'StateTimeoutError';
  /** The state that was awaited. */
  declare readonly state: string;
  /** The timeout that ran out. */
  declare readonly timeoutMs: number;

  constructor(state: string, timeoutMs: number) {
    super('timeout', 'state not reached in time', undefined, { state, timeoutMs });
  }
}

/**
 * A stream message's `seq` broke the protocol's rule that it rises by one with every message:
 * it jumped ahead (messages in between were lost) or went back below the messages already
 * delivered (the server's counter went backwards). The message was delivered anyway, the
 * registry continues from its `seq`, and `gaps$` names the streams that may have missed messages.
 * Its `code` is `'protocol'`, like {@link ProtocolViolationError}.
 */
export class SeqAnomalyError extends ProtocolViolationError {
  /** Always `'SeqAnomalyError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'SeqAnomalyError';
  /** The stream of the message that broke the sequence. */
  declare readonly stream: string;
  /** The `seq` that would have continued the sequence. */
  declare readonly expected: number;
  /** The `seq` that arrived. */
  declare readonly received: number;

  constructor(stream: string, expected: number, received: number) {
    super('stream seq out of sequence', { stream, expected, received });
  }
}

/**
 * `request()` was called with a method the protocol uses for its own lifecycle or subscriptions
 * (its `reservedMethods`: initialize, authorize, subscribe, unsubscribe and ping in the reference
 * protocol; subscribe and unsubscribe in plain streams). Sending it would bypass the session: an
 * unsubscribe would silently end a stream that still has observers, a bad authorize would end the
 * session. Nothing was sent. Use `stream()` for subscriptions; the session runs the rest itself.
 */
export class ReservedMethodError extends WirestateError {
  /** Always `'ReservedMethodError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'ReservedMethodError';
  /** The refused method. */
  declare readonly method: string;
  /** The protocol that reserves it. */
  declare readonly protocol: string;

  constructor(method: string, protocol: string) {
    super('reserved-method', 'method reserved by the protocol', undefined, { method, protocol });
  }
}

/**
 * A request's payload holds a value the negotiated codec cannot carry faithfully: one it cannot
 * encode at all (a `bigint` in JSON or MessagePack, a cycle, a function or symbol, nesting deeper
 * than the codec's limit) or one it would silently turn into something else (a `Map` or `Set`
 * that would arrive as `{}`), or a key its peers refuse (`__proto__` in MessagePack). Nothing was
 * sent and the session stays up; `path` says where the value is (`params.a[3].b`), `problem` what it is.
 */
export class EncodeError extends WirestateError {
  /** Always `'EncodeError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'EncodeError';
  /** The codec that cannot carry the value. */
  declare readonly codec: string;
  /** Where the value sits in the packet, e.g. `params.a[3].b`; empty when the codec could not say. */
  declare readonly path: string;
  /** What the value is and why the codec refuses it, e.g. `a bigint`. */
  declare readonly problem: string;

  constructor(codec: string, path: string, problem: string, options?: { cause?: unknown }) {
    super('encode', 'value cannot be encoded', options, { codec, path, problem });
  }
}

/**
 * The server sent a message larger than `maxInboundBytes`. In Node the frame was refused from its
 * header and the client closed the connection (1009), then resumes after a backoff; in a browser,
 * which cannot refuse a frame, it was dropped undecoded and the connection stays up.
 */
export class InboundOversizeError extends WirestateError {
  /** Always `'InboundOversizeError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'InboundOversizeError';
  /** Size of the message in bytes, when known (a refused frame's size is not). */
  declare readonly size: number | undefined;
  /** The configured limit in bytes. */
  declare readonly limit: number;

  constructor(limit: number, size?: number) {
    super('oversize', 'incoming message over the size limit', undefined, { size, limit });
  }
}

/**
 * A message larger than `maxFrameBytes` cannot be sent on a platform that cannot split it into
 * frames (browsers send each message as one frame). A server with that frame limit (an API
 * gateway's 32 KB) would close the connection with 1009, so it is refused locally; nothing was
 * sent and the session stays up. In Node (`ws`) such a message is sent in several frames instead.
 * A subclass of {@link OversizeMessageError} (so its handlers handle this too); `limit` is the frame limit.
 */
export class FrameTooLargeError extends OversizeMessageError {
  /** Always `'FrameTooLargeError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'FrameTooLargeError';
  constructor(size: number, maxFrameBytes: number) {
    super(size, maxFrameBytes);
    this.message = 'outgoing message over the frame limit';
  }
}

/**
 * A planned connection rotation failed (the replacement was refused, failed its handshake, was not
 * resumed or timed out). Reported on `errors$`; the connection in use keeps serving and the
 * rotation is tried again after a backoff.
 */
export class RotationError extends WirestateError {
  /** Always `'RotationError'`, set explicitly so that it survives minification. */
  override readonly name: string = 'RotationError';
  /** How far the replacement connection got. */
  declare readonly stage: 'connect' | 'initialize' | 'timeout';

  constructor(stage: RotationError['stage'], options?: { cause?: unknown }) {
    super('rotation', 'rotation failed', options, { stage });
  }
}
