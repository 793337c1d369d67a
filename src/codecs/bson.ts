import { deserialize, Long, serialize } from 'bson';
import type { DeserializeOptions, Document, SerializeOptions } from 'bson';
import type { Codec, DecodeResult, EncodableValues, Frame } from './codec.js';
import type { CodecFactory } from './factory.js';
import { malformedFrame, wrongFrameType } from './decode-failure.js';

/** Element type byte of a BSON int64; a frame without this byte anywhere holds no int64. */
const BSON_INT64_TYPE = 0x12;

const SERIALIZE_OPTIONS: SerializeOptions = { ignoreUndefined: true, checkKeys: false, serializeFunctions: false };

const DESERIALIZE_OPTIONS: DeserializeOptions = {
  // Int32, Double and safe-range int64 come back as JS numbers, not bson wrapper classes.
  promoteValues: true,
  promoteLongs: true,
  useBigInt64: false,
  // Binary data comes back as bytes (a Buffer in Node, a Uint8Array in browsers), like MessagePack's.
  promoteBuffers: true,
  bsonRegExp: false,
  validation: { utf8: true },
};

/**
 * What the BSON codec carries beyond the basic values: `bigint` (as an int64), byte arrays,
 * `Date`, `RegExp`, `Map` with string keys (as a document), and the bson package's own types
 * (ObjectId, Long, Decimal128, …). No `Set` or other built-in (they would arrive as `{}`), no key
 * containing a NUL character, at most 1000 levels deep.
 */
export const BSON_CARRIES: EncodableValues = Object.freeze({
  maxDepth: 1000,
  bigint: true,
  types: new Set(['Uint8Array', 'Date', 'RegExp', 'Map']),
  callsToJSON: false,
  protoKey: true,
  nulInKeys: false,
  isNative: (value: object) => typeof (value as { _bsontype?: unknown })._bsontype === 'string',
});

/**
 * BSON in binary frames, through the `bson` package.
 *
 * A BSON message is always a document, so only objects can be encoded (packets always are).
 * Round-trip rules, chosen to match the JSON codec where BSON allows:
 * - properties whose value is `undefined` are left out; `undefined` inside an array becomes `null`;
 * - numbers come back as JS numbers: integers in the int32 range travel as int32, every other
 *   number as a double, so every finite number (and `-0`, `NaN`, infinities) survives exactly;
 * - an int64 from the server (other BSON libraries use it for integers beyond int32) arrives as a
 *   JS number: exact within ±(2^53 − 1), the nearest double beyond, as with JSON and MessagePack;
 *   never as a `Long` or `bigint`. Send larger values as strings when they must stay exact.
 *
 * Limits of the format: a key containing a NUL character cannot be encoded; an object whose keys
 * are `$ref` and `$id` (a DBRef's shape) decodes as a bson `DBRef`; other BSON-only types a server
 * may send (ObjectId, Decimal128, Timestamp, ...) arrive as the bson package's classes; binary
 * data arrives as bytes (a `Buffer` in Node) that view the frame. Strings are UTF-8: a lone UTF-16
 * surrogate becomes U+FFFD, and a frame with invalid UTF-8 does not decode. A `bigint` is encoded as
 * an int64 and so decodes as a number.
 *
 * @example
 * ```ts
 * const codec = new BsonCodec();
 * const bytes = codec.encode({ event: 'maintenance', data: { inMs: 60_000 } });
 * codec.decode(bytes); // { ok: true, value: { event: 'maintenance', data: { inMs: 60000 } } }
 * ```
 */
export class BsonCodec implements Codec {
  /** Always `'bson'`. */
  readonly name = 'bson' as const;
  /** BSON travels in binary frames. */
  readonly frameType = 'binary' as const;
  /** What BSON carries: see {@link BSON_CARRIES}. */
  readonly carries = BSON_CARRIES;

  /**
   * Serializes a packet into a new byte array owned by the caller (one copy out of bson's shared
   * serialization buffer). In Node it is a `Buffer`, and small ones are slices of Node's allocation
   * pool: send the view itself, never its `.buffer`.
   *
   * @throws TypeError when the packet is not an object (BSON has no top-level arrays or scalars);
   * the `bson` package's error for keys it cannot hold.
   */
  encode(packet: unknown): Uint8Array<ArrayBuffer> {
    if (typeof packet !== 'object' || packet === null || Array.isArray(packet) || ArrayBuffer.isView(packet)) {
      throw new TypeError('The bson codec can only encode objects: a BSON message is always a document.');
    }
    // bson types its result as a plain Uint8Array, but it is always backed by an ArrayBuffer; DOM
    // `WebSocket.send` typings refuse the wider type.
    return serialize(packet as Document, SERIALIZE_OPTIONS) as Uint8Array<ArrayBuffer>;
  }

  /** Decodes a binary frame; a text frame or bytes that are not one BSON document give `{ ok: false }`. */
  decode(frame: Frame): DecodeResult {
    if (typeof frame === 'string') return wrongFrameType(this.name, this.frameType, frame);
    try {
      const document = deserialize(frame, DESERIALIZE_OPTIONS);
      // Only unsafe-range int64 values stay Longs; skip the walk when no int64 can be present.
      if (frame.includes(BSON_INT64_TYPE)) longsToNumbers(document);
      return { ok: true, value: document };
    } catch (error) {
      return malformedFrame(this.name, 'BSON', frame, error);
    }
  }
}

function isLong(value: object): value is Long {
  // A bson Timestamp is a Long subclass; it is a distinct BSON type and stays as it is.
  return value instanceof Long && value._bsontype === 'Long';
}

function isContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Replaces every `Long` in a decoded document by its nearest JS number, in place. Iterative, so a
 * deeply nested (but valid) document cannot overflow the call stack.
 */
function longsToNumbers(root: Document): void {
  const pending: Record<string, unknown>[] = [root];
  for (let container = pending.pop(); container !== undefined; container = pending.pop()) {
    for (const key of Object.keys(container)) {
      const value = container[key];
      if (typeof value !== 'object' || value === null) continue;
      if (isLong(value)) {
        // A plain assignment to `__proto__` would set the prototype instead of the own property.
        Object.defineProperty(container, key, { value: value.toNumber(), writable: true, enumerable: true, configurable: true });
      } else if (isContainer(value)) {
        pending.push(value as Record<string, unknown>);
      }
    }
  }
}

/**
 * BSON for the `codecs` option (see {@link BsonCodec} for what survives a round trip). Import it
 * from `wirestate/bson`: only apps that offer BSON load the `bson` package, which allocates a
 * large serialization buffer when it is first imported.
 *
 * @example
 * ```ts
 * import { createSession } from 'wirestate';
 * import { bson } from 'wirestate/bson';
 *
 * const session = createSession({ endpoint: 'wss://stream.example.com/ws', codecs: [bson(), 'json'] });
 * ```
 */
export function bson(): CodecFactory {
  return { name: 'bson', create: () => new BsonCodec() };
}
