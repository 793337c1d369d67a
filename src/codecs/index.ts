/**
 * The codecs layer: one {@link Codec} per wire format, a factory by name, and subprotocol
 * negotiation.
 */
import { BsonCodec, bson } from './bson.js';
import type { Codec, CodecName } from './codec.js';
import type { CodecFactory } from './factory.js';
import { JsonCodec, json } from './json.js';
import { MsgpackCodec, msgpack } from './msgpack.js';
import { OptionsError } from '../errors.js';

export type { Codec, CodecName, DecodeResult, EncodableValues, Frame, FrameType } from './codec.js';
export { encodePacket, findUnencodable, formatPath } from './encodable.js';
export { CODEC_NAMES, isCodecName } from './codec.js';
export { BsonCodec, BSON_CARRIES, bson } from './bson.js';
export { JsonCodec, JSON_CARRIES, json } from './json.js';
export { MsgpackCodec, MSGPACK_CARRIES, msgpack } from './msgpack.js';
export type { CodecFactory, CodecOption } from './factory.js';
export { BEARER_SUBPROTOCOL_PREFIX } from '../constants.js';
export {
  DEFAULT_SUBPROTOCOL_NAMES,
  isSubprotocolToken,
  redactSubprotocols,
  selectCodec,
  subprotocolNameOf,
} from './negotiation.js';
export type { CodecSelection, SubprotocolNames } from './negotiation.js';

/**
 * Creates a codec by name, bundling all three: for the test server and tools in Node. Sessions
 * take {@link CodecFactory} values instead, so that an app bundles only the codecs it offers. Each call returns a new instance: codecs keep encoder and decoder
 * state, so give every connection its own.
 *
 * @example
 * ```ts
 * const codec = createCodec('msgpack');
 * socket.send(codec.encode({ id: 1, method: 'ECHO', params: { hello: 'world' } }));
 * ```
 */
export function createCodec(name: CodecName): Codec {
  switch (name) {
    case 'json':
      return new JsonCodec();
    case 'msgpack':
      return new MsgpackCodec();
    case 'bson':
      return new BsonCodec();
    default: {
      // Reached only from untyped (JavaScript) callers; for typed ones the switch is complete.
      const unknownName: never = name;
      throw new OptionsError(`unknown codec ${String(unknownName)}`);
    }
  }
}

const FACTORIES: Readonly<Record<CodecName, () => CodecFactory>> = { json, msgpack, bson };

/**
 * The {@link CodecFactory} of a codec by name, bundling all three: for Node tools and tests that
 * pick a codec at run time (the demo's `--codec`). Apps import the factories they offer instead.
 *
 * @example
 * ```ts
 * createSession({ endpoint, codecs: [codecFactory('bson')] });
 * ```
 */
export function codecFactory(name: CodecName): CodecFactory {
  const factory = FACTORIES[name] as (() => CodecFactory) | undefined;
  if (factory === undefined) throw new OptionsError(`unknown codec ${String(name)}`);
  return factory();
}
