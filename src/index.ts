/**
 * wirestate: an actor-based, reactive WebSocket session client. This entry runs in browsers and in
 * Node; it never imports `ws` or a Node built-in (in Node, the `node` export condition picks
 * `src/node.ts`, which adds `ws` as the default WebSocket).
 *
 * @packageDocumentation
 */
export { createSession } from './session.js';
export type { Session, SessionActor, SessionRequestOptions, ServerEvent } from './session.js';
export type { SessionOptions, AuthOptions } from './session/options.js';
export type { WaitOptions } from './session/wait.js';
export type { SessionLogger, LogMethod, LogDetails } from './session/logger.js';
export type { SessionSnapshot } from './session/snapshot.js';
export type { StreamState } from './streams/stream-entry.js';
export type { StreamInfo } from './streams/stream-info.js';
export type { SessionStateName, ClosedReason, CloseInfo, ValueOrProvider, PhaseTimeouts, RotationOptions } from './machine/types.js';
export { MIN_HEARTBEAT_MS } from './machine/types.js';
export { sessionMachine } from './machine/session-machine.js';
export { decideClose, closeReactionFor, type CloseDecision, type CloseCodeOverrides, type CloseContext } from './machine/close-policy.js';
export { backoffDelay, backoffCeiling, DEFAULT_BACKOFF, type BackoffOptions, type BackoffKind } from './machine/backoff.js';
export { referenceProtocol, REFERENCE_CLOSE_CODES, type ReferenceProtocolOptions } from './protocol/reference/index.js';
export { CLOSE_CODES, ERROR_CODES, type CloseCodeName } from './constants.js';
export { plainStreams, PLAIN_STREAMS_CLOSE_CODES, PLAIN_STREAMS_HEARTBEAT_MS, type PlainStreamsOptions, type PlainStreamsMethodNames } from './protocol/plain-streams/index.js';
// Named, not `export *`: esbuild without code splitting can leave a module re-exported with
// `export *` uninitialized when a dynamic import also reaches it (the classes come out undefined).
export {
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
} from './errors.js';
export { CODEC_NAMES } from './codecs/codec.js';
export { JsonCodec, JSON_CARRIES, json } from './codecs/json.js';
export type { Codec, CodecName, FrameType, Frame, DecodeResult, EncodableValues } from './codecs/codec.js';
export type { CodecFactory, CodecOption } from './codecs/factory.js';
export type * from './protocol/types.js';
export type { WebSocketLike, WebSocketConstructor, WebSocketEventSlot } from './transport/types.js';
