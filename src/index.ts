/**
 * wirestate: an actor-based, reactive WebSocket session client. This entry runs in browsers and in
 * Node; it never imports `ws` or a Node built-in.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export type { Codec, CodecName, FrameType, Frame, DecodeResult } from './codecs/codec.js';
export type * from './protocol/types.js';
export type * from './transport/types.js';
