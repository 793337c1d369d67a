import type { DecodeError } from '../errors.js';

/** The codecs wirestate ships. */
export type CodecName = 'json' | 'msgpack' | 'bson';

/** Which kind of WebSocket frame a codec travels in. */
export type FrameType = 'text' | 'binary';

/** A frame as it arrives from a socket: text frames as strings, binary frames as bytes. */
export type Frame = string | Uint8Array;

/** The outcome of decoding one frame: never throws past the codec boundary. */
export type DecodeResult =
  | {
      /** The frame decoded. */
      readonly ok: true;
      /** The decoded packet. */
      readonly value: unknown;
    }
  | {
      /** The frame did not decode. */
      readonly ok: false;
      /** Why, with the codec's name and the frame's size. */
      readonly error: DecodeError;
    };

/**
 * Turns packets (plain objects) into frames and back. One instance is reused for every message of
 * a connection; implementations keep their encoder/decoder state to avoid per-message allocation.
 */
export interface Codec {
  /** Short name, also the default subprotocol stem (`json` -> `json.v1`). */
  readonly name: CodecName;
  /** Frame type this codec sends and expects. */
  readonly frameType: FrameType;
  /** Encodes one packet. Throws only for values the format cannot represent (a programming error). */
  encode(packet: unknown): Frame;
  /** Decodes one frame; a frame of the wrong type or that does not parse gives `{ ok: false }`. */
  decode(frame: Frame): DecodeResult;
}
