import { CODEC_NAMES, isCodecName, type CodecName } from '../codecs/codec.js';
import { BEARER_SUBPROTOCOL_PREFIX } from '../constants.js';
import { DEFAULT_SUBPROTOCOL_NAMES, isSubprotocolToken } from '../codecs/negotiation.js';
import { OptionsError } from '../errors.js';
import { nestedOptions } from './option-keys.js';

/**
 * Validates the `subprotocols` option and merges it over the defaults: keys must be codec names,
 * values valid subprotocol tokens that do not start with `bearer.` (that prefix carries tokens),
 * and no two of the codecs offered may share a name (the server's choice would be ambiguous).
 */
export function resolveSubprotocolNames(given: unknown, codecs: readonly CodecName[]): Readonly<Record<CodecName, string>> {
  const value = nestedOptions('subprotocols', given, CODEC_NAMES);
  const names = { ...DEFAULT_SUBPROTOCOL_NAMES, ...(value as Partial<Record<CodecName, string>>) };
  for (const [codec, name] of Object.entries(names)) {
    if (typeof name !== 'string' || !isSubprotocolToken(name)) {
      throw new OptionsError(`subprotocols.${codec} must be a subprotocol token`);
    }
    if (name.toLowerCase().startsWith(BEARER_SUBPROTOCOL_PREFIX)) {
      throw new OptionsError(`subprotocols.${codec} must not start with ${BEARER_SUBPROTOCOL_PREFIX}`);
    }
  }
  const owners = new Map<string, CodecName>();
  for (const codec of codecs.filter(isCodecName)) {
    const owner = owners.get(names[codec]);
    if (owner !== undefined && owner !== codec) {
      throw new OptionsError(`subprotocols.${codec} must differ from subprotocols.${owner}`);
    }
    owners.set(names[codec], codec);
  }
  return names;
}
