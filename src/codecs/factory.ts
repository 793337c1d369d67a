import type { Codec, CodecName } from './codec.js';

/**
 * A codec a session may offer: its name, and how to make the instance a connection uses (codecs
 * keep encoder and decoder state, so every connection gets its own). Pass factories in the `codecs`
 * option: `json()` comes with the main entry, `msgpack()` from `wirestate/msgpack` and `bson()` from
 * `wirestate/bson`, so an app bundles only the codecs it offers.
 *
 * @example
 * ```ts
 * import { createSession } from 'wirestate';
 * import { msgpack } from 'wirestate/msgpack';
 *
 * const session = createSession({ endpoint: 'wss://stream.example.com/ws', codecs: [msgpack(), 'json'] });
 * ```
 */
export interface CodecFactory {
  /** The codec's name: what `state$` reports once negotiated, and the key of its subprotocol name. */
  readonly name: CodecName;
  /** Makes a new instance for one connection. */
  create(): Codec;
}

/**
 * One entry of the `codecs` option: a {@link CodecFactory}, or `'json'`, which is built in. The
 * binary codecs have no string shorthand: naming them would make every app bundle them.
 */
export type CodecOption = 'json' | CodecFactory;
