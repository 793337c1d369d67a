import { Decoder, Encoder } from '@msgpack/msgpack';
import type { Codec, DecodeResult, EncodableValues, Frame } from './codec.js';
import type { CodecFactory } from './factory.js';
import { malformedFrame, wrongFrameType } from './decode-failure.js';

/**
 * What the MessagePack codec carries beyond the basic values: byte arrays (`Uint8Array`, `Buffer`)
 * and `Date` (the timestamp extension). No `bigint` (the encoder throws), no `Map`, `Set` or other
 * built-in (they would arrive as `{}`), no `__proto__` key (decoders refuse it as a
 * prototype-pollution guard, and the reference server closes with 1007), at most 100 levels deep
 * (the encoder's limit).
 */
export const MSGPACK_CARRIES: EncodableValues = Object.freeze({
  maxDepth: 100,
  bigint: false,
  types: new Set(['Uint8Array', 'Date']),
  callsToJSON: false,
  protoKey: false,
  nulInKeys: true,
});

/** The block small packets are copied into: many packets per allocation, as Node's Buffer pool holds. */
const BLOCK_BYTES = 64 * 1024;
/** Larger packets get an ArrayBuffer of their own: a block is for many small ones. */
const LARGEST_POOLED = 4 * 1024;
let block = new ArrayBuffer(0);
let blockUsed = 0;

/** A copy of `bytes` the caller owns: a fresh region of the current block, or a buffer of its own when large. */
function ownedCopy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const length = bytes.byteLength;
  if (length > LARGEST_POOLED) return bytes.slice() as Uint8Array<ArrayBuffer>;
  if (blockUsed + length > BLOCK_BYTES || block.byteLength === 0) {
    block = new ArrayBuffer(BLOCK_BYTES);
    blockUsed = 0;
  }
  const copy = new Uint8Array(block, blockUsed, length);
  copy.set(bytes);
  // Kept 8-byte aligned, as Node's pool does.
  blockUsed = (blockUsed + length + 7) & ~7;
  return copy;
}

/**
 * MessagePack in binary frames, through `@msgpack/msgpack`. Each instance keeps one `Encoder` and
 * one `Decoder`, so a connection reuses their buffers for every message.
 *
 * Round-trip rules, chosen to match the JSON codec so a packet has the same structure whatever was
 * negotiated:
 * - properties whose value is `undefined` are left out (`ignoreUndefined`); `undefined` inside an
 *   array becomes `null`;
 * - `-0` becomes `0` (it is encoded as an integer);
 * - 64-bit integers from the server arrive as JS numbers (no `bigint`): exact within ±(2^53 − 1),
 *   the nearest double beyond, as with JSON. Send larger values as strings when they must stay exact.
 *
 * Beyond JSON, `NaN`, infinities and byte arrays (`Uint8Array`, decoded as views into the frame)
 * travel natively. Limits of the library: objects nest at most 100 levels deep when encoding, a map
 * with a `__proto__` key does not decode (it is refused as a prototype-pollution guard), and a
 * `bigint` cannot be encoded. Send well-formed strings: a lone UTF-16 surrogate becomes U+FFFD in
 * strings over 50 characters, while shorter ones are written as invalid UTF-8 that strict peers refuse.
 *
 * @example
 * ```ts
 * const codec = new MsgpackCodec();
 * const bytes = codec.encode({ stream: 'btcusdt@trade', data: { p: 1 }, seq: 7 }); // Uint8Array
 * codec.decode(bytes); // { ok: true, value: { stream: 'btcusdt@trade', data: { p: 1 }, seq: 7 } }
 * ```
 */
export class MsgpackCodec implements Codec {
  /** Always `'msgpack'`. */
  readonly name = 'msgpack' as const;
  /** MessagePack travels in binary frames. */
  readonly frameType = 'binary' as const;
  /** What MessagePack carries: see {@link MSGPACK_CARRIES}. */
  readonly carries = MSGPACK_CARRIES;

  readonly #encoder = new Encoder({ ignoreUndefined: true });
  readonly #decoder = new Decoder();

  /**
   * Serializes a packet. The returned bytes belong to the caller: one copy out of the encoder's
   * reused buffer (`encodeSharedRef` gives a view that the next call overwrites, and a socket may
   * still hold the bytes then). Small packets are copied into a region of a shared 64 KiB block
   * that is never handed out twice, as Node's Buffer pool does: a fresh ArrayBuffer per packet cost
   * about half of a small request's encoding. Send the view itself, never its `.buffer`.
   *
   * @throws Error for values MessagePack cannot hold (a `bigint`, a function, a symbol) or nesting
   * deeper than 100 levels.
   */
  encode(packet: unknown): Uint8Array<ArrayBuffer> {
    return ownedCopy(this.#encoder.encodeSharedRef(packet));
  }

  /** Decodes a binary frame; a text frame or bytes that are not one MessagePack value give `{ ok: false }`. */
  decode(frame: Frame): DecodeResult {
    if (typeof frame === 'string') return wrongFrameType(this.name, this.frameType, frame);
    try {
      return { ok: true, value: this.#decoder.decode(frame) };
    } catch (error) {
      return malformedFrame(this.name, 'MessagePack', frame, error);
    }
  }
}

/**
 * MessagePack for the `codecs` option (see {@link MsgpackCodec} for what survives a round trip).
 * Import it from `wirestate/msgpack`: only apps that offer MessagePack bundle `@msgpack/msgpack`.
 *
 * @example
 * ```ts
 * import { createSession } from 'wirestate';
 * import { msgpack } from 'wirestate/msgpack';
 *
 * const session = createSession({ endpoint: 'wss://stream.example.com/ws', codecs: [msgpack(), 'json'] });
 * ```
 */
export function msgpack(): CodecFactory {
  return { name: 'msgpack', create: () => new MsgpackCodec() };
}
