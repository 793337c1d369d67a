import type { DecodeError } from '../errors.js';

/** The codecs wirestate ships. */
export type CodecName = 'json' | 'msgpack' | 'bson';

/** Every codec wirestate ships, in its default order of preference. */
export const CODEC_NAMES: readonly CodecName[] = Object.freeze(['json', 'msgpack', 'bson'] as const);

/**
 * Whether a value names a codec wirestate ships; useful to validate options that come from
 * configuration files or JavaScript callers.
 *
 * @example
 * ```ts
 * isCodecName('msgpack'); // true
 * isCodecName('cbor');    // false
 * ```
 */
export function isCodecName(value: unknown): value is CodecName {
  return typeof value === 'string' && (CODEC_NAMES as readonly string[]).includes(value);
}

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
 * What a codec carries beyond the values every codec carries (strings, numbers, booleans, `null`,
 * `undefined`, plain objects, arrays, and class instances, which travel as their own enumerable
 * properties). Everything else is refused: functions, symbols, cycles, and objects of a built-in
 * type the codec does not list (a `Set`, a `Promise`, an `ArrayBuffer`, …).
 */
export interface EncodableValues {
  /** Deepest nesting of objects and arrays (the packet itself is level 1). */
  readonly maxDepth: number;
  /** Whether a `bigint` is carried. */
  readonly bigint: boolean;
  /** Built-in object types that are carried, by their `Object.prototype.toString` tag (`'Date'`, `'Uint8Array'`, `'Map'`, …). A `Map` must have string keys. */
  readonly types: ReadonlySet<string>;
  /** Whether the encoder calls `toJSON`, so that an object that has one travels as what it returns. */
  readonly callsToJSON: boolean;
  /** Whether an own `__proto__` key is carried (MessagePack decoders refuse it). */
  readonly protoKey: boolean;
  /** Whether keys may contain a NUL character (BSON keys are C strings). */
  readonly nulInKeys: boolean;
  /** Values of the format's own that travel as they are (BSON's ObjectId, Long, …). */
  readonly isNative?: (value: object) => boolean;
}

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
  /**
   * What the codec carries beyond the basic values, checked before a request is sent (see
   * `findUnencodable`). A codec that does not say is assumed to carry only the basic values, 100
   * levels deep.
   */
  readonly carries?: EncodableValues;
}
