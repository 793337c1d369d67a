import type { CodecName } from './codec.js';

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
