import { isCodecName, type Codec, type CodecName } from '../codecs/codec.js';
import type { CodecFactory, CodecOption } from '../codecs/factory.js';
import { JsonCodec, json } from '../codecs/json.js';
import { OptionsError } from '../errors.js';

/** The `codecs` option resolved: names in preference order (each once) and how to make each codec. */
export interface ResolvedCodecs {
  readonly codecs: readonly CodecName[];
  /** Makes the codec for a negotiated name; JSON for a name not offered, since "no selection" means JSON. */
  readonly createCodec: (name: CodecName) => Codec;
}

function isFactory(value: unknown): value is CodecFactory {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<CodecFactory>;
  return isCodecName(candidate.name) && typeof candidate.create === 'function';
}

function factoryOf(entry: unknown): CodecFactory {
  if (entry === 'json') return json();
  if (entry === 'msgpack' || entry === 'bson') {
    throw new OptionsError(`codecs must hold ${entry}() from wirestate/${entry}, not '${entry}'`);
  }
  if (isFactory(entry)) return entry;
  throw new OptionsError("codecs entries must be 'json' or codec factories");
}

/**
 * Validates the `codecs` option: `'json'` or {@link CodecFactory} values (`json()`, `msgpack()`
 * from `wirestate/msgpack`, `bson()` from `wirestate/bson`). The binary codecs' names alone give an
 * OptionsError that says which subpath to import, since resolving them here would bundle them.
 * A codec given twice (`['json', json()]`) is an OptionsError too.
 *
 * @default ['json']
 */
export function resolveCodecs(option: readonly CodecOption[] | undefined): ResolvedCodecs {
  const entries: readonly unknown[] = option ?? ['json'];
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new OptionsError('codecs must be a non-empty array');
  }
  const factories = new Map<CodecName, CodecFactory>();
  for (const entry of entries) {
    const factory = factoryOf(entry);
    // A second entry for a codec would be ignored: refused, so the offer is what the array says.
    if (factories.has(factory.name)) throw new OptionsError(`codecs must offer ${factory.name} only once`);
    factories.set(factory.name, factory);
  }
  return {
    codecs: [...factories.keys()],
    createCodec: (name) => factories.get(name)?.create() ?? new JsonCodec(),
  };
}
