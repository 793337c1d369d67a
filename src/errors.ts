/**
 * Typed errors. Every error the library surfaces is a {@link WirestateError} with a stable
 * `code`, so callers can branch with `instanceof` or on `error.code`, and a message that says what
 * went wrong and what to do about it.
 *
 * This file is the lowest layer: every other layer may import it, it imports nothing.
 */

/** Stable, machine-readable identifiers of every error kind. */
export type WirestateErrorCode =
  | 'options'
  | 'decode'
  | 'negotiation'
  | 'balancer'
  | 'timeout'
  | 'connection'
  | 'transport'
  | 'closed'
  | 'server'
  | 'request-timeout'
  | 'aborted'
  | 'oversize'
  | 'queue-full'
  | 'subscribe'
  | 'unauthorized'
  | 'protocol'
  | 'recording'
  | 'reserved-method'
  | 'encode'
  | 'rotation';

/**
 * Base class of every error wirestate creates.
 *
 * @example
 * ```ts
 * try { await session.request('ECHO', 1); }
 * catch (error) { if (error instanceof WirestateError && error.code === 'request-timeout') retry(); }
 * ```
 */
export class WirestateError extends Error {
  /** Stable identifier of the error kind. */
  readonly code: WirestateErrorCode;

  constructor(code: WirestateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An option passed to `createSession` (or another factory) is missing, of the wrong type or inconsistent. */
export class OptionsError extends WirestateError {
  constructor(message: string) {
    super('options', message);
  }
}

/** A frame could not be decoded by the negotiated codec, or had the wrong frame type for it. */
export class DecodeError extends WirestateError {
  /** The codec that failed. */
  readonly codec: string;
  /** Whether the frame arrived as text or binary. */
  readonly frameType: 'text' | 'binary';

  constructor(codec: string, frameType: 'text' | 'binary', message: string, options?: { cause?: unknown }) {
    super('decode', message, options);
    this.codec = codec;
    this.frameType = frameType;
  }
}

/** The server selected a subprotocol the client did not offer. */
export class NegotiationError extends WirestateError {
  /** The subprotocol the server selected. */
  readonly selected: string;
  /** What the client offered (bearer entries redacted). */
  readonly offered: readonly string[];

  constructor(selected: string, offered: readonly string[]) {
    super(
      'negotiation',
      `The server selected subprotocol "${selected}", which was not offered (offered: ${offered.join(', ') || 'none'}). ` +
        'Check that the client and server agree on codec names (option `subprotocols`).',
    );
    this.selected = selected;
    this.offered = offered;
  }
}

/** The balancer could not be reached or gave an unusable answer. `retryable` says whether backing off and retrying makes sense. */
export class BalancerError extends WirestateError {
  /** HTTP status, when the balancer answered at all. */
  readonly status: number | undefined;
  /** True for network errors, timeouts, 5xx and 429; false for other 4xx and malformed answers. */
  readonly retryable: boolean;

  constructor(message: string, options: { status?: number; retryable: boolean; cause?: unknown }) {
    super('balancer', message, { cause: options.cause });
    this.status = options.status;
    this.retryable = options.retryable;
  }
}

/** A lifecycle phase (balancer, provider, connect, initialize, authorize) did not finish within its timeout. */
export class PhaseTimeoutError extends WirestateError {
  /** The phase that timed out (`provider`: an endpoint or token provider that did not settle). */
  readonly phase: 'balancer' | 'provider' | 'connect' | 'initialize' | 'authorize';
  /** The timeout that fired, in milliseconds. */
  readonly timeoutMs: number;

  constructor(phase: PhaseTimeoutError['phase'], timeoutMs: number) {
    super('timeout', `The ${phase} phase did not complete within ${timeoutMs} ms. Raise \`timeouts.${phase}Ms\` if the server is slow, or check that it is reachable.`);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A connection attempt failed, or an open connection broke, below the WebSocket protocol: refused,
 * a DNS failure, an HTTP status instead of the upgrade, invalid handshake headers. Reported on
 * `errors$` and as `state$`'s `lastFailure`; the close-code policy then decides (an upgrade refused
 * with 401 or 403 counts as rejected credentials).
 */
export class TransportError extends WirestateError {
  /** The HTTP status that refused the upgrade, where the platform shows it (Node `ws`; browsers never do). */
  readonly httpStatus: number | undefined;

  constructor(message: string, options?: { httpStatus?: number; cause?: unknown }) {
    super('transport', message, { cause: options?.cause });
    this.httpStatus = options?.httpStatus;
  }
}

/** The connection failed or was closed, and the close-code policy made that fatal. */
export class ConnectionClosedError extends WirestateError {
  /** WebSocket close code. */
  readonly closeCode: number;
  /** Close reason text sent by the server (may be empty). */
  readonly reason: string;

  constructor(closeCode: number, reason: string, message?: string) {
    super('connection', message ?? `The connection closed with code ${closeCode}${reason ? ` (${reason})` : ''}, which the close-code policy treats as fatal.`);
    this.closeCode = closeCode;
    this.reason = reason;
  }
}

/** The server rejected the credentials (an authorize request answered with error 401, or close 4001). */
export class UnauthorizedError extends WirestateError {
  constructor(message = 'The server rejected the credentials. Check `auth` (license, username/password or token provider).') {
    super('unauthorized', message);
  }
}

/** The operation could not finish because the session is closed (or closed while it was pending). */
export class SessionClosedError extends WirestateError {
  constructor(message = 'The session is closed. Create a new session to continue.', options?: { cause?: unknown }) {
    super('closed', message, options);
  }
}

/** The server answered a request with an error object. */
export class ServerError extends WirestateError {
  /** Error code from the server (for example 401, 404, -32601). */
  readonly serverCode: number;
  /** Optional extra data from the server. */
  readonly data: unknown;
  /** The method of the failed request. */
  readonly method: string;

  constructor(method: string, serverCode: number, serverMessage: string, data?: unknown) {
    super('server', `${method} failed with server error ${serverCode}: ${serverMessage}`);
    this.serverCode = serverCode;
    this.data = data;
    this.method = method;
  }
}

/**
 * A request got no answer within its timeout. `sent` tells the two cases apart: `false` when the
 * request was still waiting for the session to be ready (never sent: the server cannot have acted
 * on it), with the reason in the message; `true` when it went out and no answer came.
 */
export class RequestTimeoutError extends WirestateError {
  /** The method of the request. */
  readonly method: string;
  /** The timeout that fired, in milliseconds. */
  readonly timeoutMs: number;
  /** Whether the request was ever sent. */
  readonly sent: boolean;

  /**
   * @param notSent - given when the request was never sent: why (`the session is not connected …`).
   */
  constructor(method: string, timeoutMs: number, notSent?: { readonly reason: string }) {
    super(
      'request-timeout',
      notSent === undefined
        ? `${method} got no answer within ${timeoutMs} ms. Pass a larger \`timeoutMs\` to request() if the server is slow.`
        : `${method} was not sent within ${timeoutMs} ms: ${notSent.reason}.`,
    );
    this.method = method;
    this.timeoutMs = timeoutMs;
    this.sent = notSent === undefined;
  }
}

/** A request was aborted through its AbortSignal. */
export class RequestAbortedError extends WirestateError {
  constructor(method: string, options?: { cause?: unknown }) {
    super('aborted', `${method} was aborted by its AbortSignal.`, options);
  }
}

/** An outgoing message was larger than the limit; it was not sent and the session stays up. */
export class OversizeMessageError extends WirestateError {
  /** Encoded size in bytes. */
  readonly size: number;
  /** The configured limit in bytes. */
  readonly limit: number;

  constructor(size: number, limit: number) {
    super('oversize', `Refused to send a ${size}-byte message: the limit is ${limit} bytes (option \`maxMessageBytes\`). Split the payload; the session stays up.`);
    this.size = size;
    this.limit = limit;
  }
}

/** Too many requests were queued while the session was not yet authorized. */
export class QueueFullError extends WirestateError {
  constructor(limit: number) {
    super('queue-full', `The request queue is full (${limit} requests waiting for the session to be authorized). Raise \`maxQueuedRequests\` or wait for the session to be ready.`);
  }
}

/** A subscribe request failed for the named stream(s). Only the observers of those streams receive it. */
export class SubscribeError extends WirestateError {
  /** The stream this error is delivered for. */
  readonly stream: string;
  /** Error code from the server. */
  readonly serverCode: number;

  constructor(stream: string, serverCode: number, serverMessage: string) {
    super('subscribe', `Subscribing to stream "${stream}" failed with server error ${serverCode}: ${serverMessage}`);
    this.stream = stream;
    this.serverCode = serverCode;
  }
}

/** The server sent something the protocol does not allow (for example an initialize result of the wrong shape). */
export class ProtocolViolationError extends WirestateError {
  constructor(message: string) {
    super('protocol', message);
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
  constructor(message = 'The connection dropped before the answer arrived. Retry the request once the session is ready again.', options?: { cause?: unknown }) {
    super('connection', message, options);
  }
}

/**
 * `session.ready()` or `session.waitFor()` gave up: the session did not reach the state within
 * the `timeoutMs` it was given. The session itself carries on. Its `code` is `'timeout'`, like
 * {@link PhaseTimeoutError}.
 */
export class StateTimeoutError extends WirestateError {
  /** The state that was awaited. */
  readonly state: string;
  /** The timeout that ran out. */
  readonly timeoutMs: number;

  constructor(state: string, timeoutMs: number) {
    super('timeout', `The session did not reach \`${state}\` within ${timeoutMs} ms.`);
    this.state = state;
    this.timeoutMs = timeoutMs;
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
  /** The stream of the message that broke the sequence. */
  readonly stream: string;
  /** The `seq` that would have continued the sequence. */
  readonly expected: number;
  /** The `seq` that arrived. */
  readonly received: number;

  constructor(stream: string, expected: number, received: number) {
    super(`Stream message seq ${received} on "${stream}" ${received > expected ? 'jumped past' : 'went back below'} the expected ${expected}; delivered it and continued from there.`);
    this.stream = stream;
    this.expected = expected;
    this.received = received;
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
  /** The refused method. */
  readonly method: string;
  /** The protocol that reserves it. */
  readonly protocol: string;

  constructor(method: string, protocol: string) {
    super('reserved-method', `request() refused ${method}: the ${protocol} protocol reserves it for the session's own use.`);
    this.method = method;
    this.protocol = protocol;
  }
}

/**
 * A request's payload holds a value the negotiated codec cannot carry faithfully: one it cannot
 * encode at all (a `bigint` in JSON or MessagePack, a cycle, a function or symbol, nesting deeper
 * than the codec's limit) or one it would silently turn into something else (a `Map` or `Set`
 * that would arrive as `{}`), or a key its peers refuse (`__proto__` in MessagePack). Nothing was
 * sent and the session stays up; `path` says where the value is (`params.a[3].b`).
 */
export class EncodeError extends WirestateError {
  /** The codec that cannot carry the value. */
  readonly codec: string;
  /** Where the value sits in the packet, e.g. `params.a[3].b`; empty when the codec could not say. */
  readonly path: string;

  constructor(codec: string, path: string, problem: string, options?: { cause?: unknown }) {
    super('encode', `The ${codec} codec cannot encode ${path === '' ? 'the packet' : path}: ${problem}. Nothing was sent.`, options);
    this.codec = codec;
    this.path = path;
  }
}

/**
 * The server sent a message larger than `maxInboundBytes`. In Node the frame was refused from its
 * header (not buffered) and the client closed the connection (sending 1009), then resumes after a backoff; in a
 * browser, which cannot refuse a frame, it was received and dropped without being decoded, and the
 * connection stays up. Raise `maxInboundBytes` if the server legitimately sends messages this large.
 */
export class InboundOversizeError extends WirestateError {
  /** Size of the message in bytes, when known (a refused frame's size is not). */
  readonly size: number | undefined;
  /** The configured limit in bytes. */
  readonly limit: number;

  constructor(limit: number, size?: number) {
    super('oversize', `Dropped a${size === undefined ? 'n' : ` ${size}-byte`} incoming message over the ${limit}-byte limit (option \`maxInboundBytes\`).`);
    this.size = size;
    this.limit = limit;
  }
}

/**
 * A message larger than `maxFrameBytes` cannot be sent on a platform that cannot split it into
 * frames (browsers send each message as one frame). A server with that frame limit (an API
 * gateway's 32 KB) would close the connection with 1009, so it is refused locally; nothing was
 * sent and the session stays up. In Node (`ws`) such a message is sent in several frames instead.
 * A subclass of {@link OversizeMessageError}, so code that handles that one handles this too.
 */
export class FrameTooLargeError extends OversizeMessageError {
  constructor(size: number, maxFrameBytes: number) {
    super(size, maxFrameBytes);
    this.message = `Refused to send a ${size}-byte message: the server takes frames of at most ${maxFrameBytes} bytes (option \`maxFrameBytes\`) and this platform cannot split a message into frames.`;
  }
}

/**
 * A planned connection rotation failed (the replacement was refused, failed its handshake, was not
 * resumed or timed out). Reported on `errors$`; the connection in use keeps serving and the
 * rotation is tried again after a backoff. `stage` says how far it got.
 */
export class RotationError extends WirestateError {
  /** Where the replacement connection failed. */
  readonly stage: 'connect' | 'initialize' | 'timeout';

  constructor(stage: 'connect' | 'initialize' | 'timeout', detail: string, options?: { cause?: unknown }) {
    super('rotation', `Connection rotation failed at ${stage}: ${detail}.`, options);
    this.stage = stage;
  }
}
