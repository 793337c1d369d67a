import type { Codec, DecodeResult, EncodableValues, Frame } from './codec.js';
import type { CodecFactory } from './factory.js';
import { malformedFrame, wrongFrameType } from './decode-failure.js';

/**
 * What the JSON codec carries beyond the basic values: objects with a `toJSON` (a `Date` travels as
 * its ISO string) and boxed primitives. No `bigint` (JSON.stringify throws), no `Map`, `Set`,
 * byte array or other built-in (they would arrive as `{}` or as an object of indexes), at most
 * 1000 levels deep.
 */
export const JSON_CARRIES: EncodableValues = Object.freeze({
  maxDepth: 1000,
  bigint: false,
  types: new Set(['Number', 'String', 'Boolean']),
  callsToJSON: true,
  protoKey: true,
  nulInKeys: true,
});

/**
 * JSON in text frames, the codec every server understands (and the one used when the server
 * selects no subprotocol).
 *
 * What survives a round trip is what `JSON.stringify`/`JSON.parse` keep: object properties whose
 * value is `undefined` are dropped, `undefined` inside arrays becomes `null`, `-0` becomes `0`,
 * `NaN` and infinities become `null`. Integers beyond ±(2^53 − 1) sent by a server arrive as the
 * nearest double; send such values as strings when they must stay exact.
 *
 * Decoding accepts any JSON value: deciding whether it is a valid packet is the protocol's job.
 *
 * @example
 * ```ts
 * const codec = new JsonCodec();
 * const frame = codec.encode({ id: 1, method: 'ECHO' }); // '{"id":1,"method":"ECHO"}'
 * const result = codec.decode(frame);                      // { ok: true, value: { id: 1, method: 'ECHO' } }
 * ```
 */
export class JsonCodec implements Codec {
  /** Always `'json'`. */
  readonly name = 'json' as const;
  /** JSON travels in text frames. */
  readonly frameType = 'text' as const;
  /** What JSON carries: see {@link JSON_CARRIES}. */
  readonly carries = JSON_CARRIES;

  /**
   * Serializes a packet to JSON text.
   *
   * @throws TypeError for values JSON cannot hold at all: a `bigint`, a cycle, or a top-level value
   * that serializes to nothing (`undefined`, a function, a symbol).
   */
  encode(packet: unknown): string {
    const text: string | undefined = JSON.stringify(packet);
    if (typeof text !== 'string') {
      throw new TypeError(`The json codec cannot encode a top-level ${typeof packet}: packets must be objects.`);
    }
    return text;
  }

  /** Parses a text frame; a binary frame or text that is not JSON gives `{ ok: false }` with a `DecodeError`. */
  decode(frame: Frame): DecodeResult {
    if (typeof frame !== 'string') return wrongFrameType(this.name, this.frameType, frame);
    try {
      return { ok: true, value: JSON.parse(frame) as unknown };
    } catch (error) {
      return malformedFrame(this.name, 'JSON', frame, error);
    }
  }
}

/**
 * The JSON codec as a {@link CodecFactory}, for the `codecs` option. The string `'json'` means the
 * same; JSON is built in, and is what a session speaks when the server selects no subprotocol.
 *
 * @example
 * ```ts
 * const session = createSession({ endpoint: 'wss://stream.example.com/ws', codecs: [json()] });
 * ```
 */
export function json(): CodecFactory {
  return { name: 'json', create: () => new JsonCodec() };
}
