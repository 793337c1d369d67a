import {
  WirestateError,
  OptionsError,
  DecodeError,
  NegotiationError,
  BalancerError,
  PhaseTimeoutError,
  TransportError,
  ConnectionClosedError,
  UnauthorizedError,
  SessionClosedError,
  ServerError,
  RequestTimeoutError,
  RequestAbortedError,
  OversizeMessageError,
  QueueFullError,
  SubscribeError,
  ProtocolViolationError,
  ConnectionLostError,
  StateTimeoutError,
  SeqAnomalyError,
  ReservedMethodError,
  EncodeError,
  InboundOversizeError,
  FrameTooLargeError,
  RotationError,
  type WirestateErrorCode,
} from '../../errors.js';

/** An error as it crosses a BroadcastChannel: structured clone keeps neither a subclass nor its own fields. */
export interface WireError {
  readonly name: string;
  readonly code?: WirestateErrorCode;
  readonly message: string;
  /** The error's own data fields (`serverCode`, `method`, `timeoutMs`, …). */
  readonly fields: Readonly<Record<string, unknown>>;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Every error class of errors.ts, by name, so that a tab rebuilds what the leader saw (`instanceof`
 * holds). Keyed by object keys as written, which a minifier keeps, not by `Class.name`, which it
 * renames. Named one by one rather than through `import * as`: a namespace import keeps every class
 * (and its message text) in every app's bundle, shared session or not.
 */
const ERROR_CLASSES: ReadonlyMap<string, ErrorClass> = new Map(
  Object.entries({
    WirestateError,
    OptionsError,
    DecodeError,
    NegotiationError,
    BalancerError,
    PhaseTimeoutError,
    TransportError,
    ConnectionClosedError,
    UnauthorizedError,
    SessionClosedError,
    ServerError,
    RequestTimeoutError,
    RequestAbortedError,
    OversizeMessageError,
    QueueFullError,
    SubscribeError,
    ProtocolViolationError,
    ConnectionLostError,
    StateTimeoutError,
    SeqAnomalyError,
    ReservedMethodError,
    EncodeError,
    InboundOversizeError,
    FrameTooLargeError,
    RotationError,
  }),
);

const NOT_FIELDS = new Set(['name', 'code', 'message', 'stack', 'cause']);

/** Flattens an error for `postMessage`. Fields that cannot be cloned are left out. */
export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (!NOT_FIELDS.has(key) && typeof value !== 'function') fields[key] = value;
  }
  return {
    name: error.name,
    ...(error instanceof WirestateError ? { code: error.code } : {}),
    message: error.message,
    fields,
  };
}

/** Rebuilds an error flattened by {@link toWireError} as an instance of the same class, where the class is one of the library's. */
export function fromWireError(wire: WireError): Error {
  const error = wire.code === undefined ? new Error(wire.message) : new WirestateError(wire.code, wire.message);
  const known = ERROR_CLASSES.get(wire.name);
  if (known !== undefined) Object.setPrototypeOf(error, known.prototype);
  return Object.assign(error, wire.fields, { name: wire.name });
}
