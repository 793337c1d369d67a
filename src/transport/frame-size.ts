import type { Frame } from '../codecs/codec.js';

/**
 * UTF-8 byte length of a string as it is sent (a lone surrogate as U+FFFD, three bytes), counted
 * without encoding it, so that measuring a hostile frame of hundreds of MiB costs no copy of it.
 * Stops once the count exceeds `limit` (only the comparison with it matters then).
 *
 * @example
 * ```ts
 * utf8ByteCount('é'.repeat(3)); // 6
 * utf8ByteCount('é'.repeat(3), 2); // 4: past the limit, the count stopped
 * ```
 */
export function utf8ByteCount(text: string, limit = Infinity): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      index++;
    } else bytes += 3;
    if (bytes > limit) return bytes;
  }
  return bytes;
}

/**
 * The size of a frame on the wire, in bytes: a binary frame's length, a text frame's UTF-8 length
 * counted in full. For the `size` an oversize error reports, where a count that stops at the limit
 * (as the hot-path checks do) would report the limit plus a little.
 *
 * @example
 * ```ts
 * frameByteSize('é'.repeat(3)); // 6
 * frameByteSize(new Uint8Array(4)); // 4
 * ```
 */
export function frameByteSize(frame: Frame): number {
  return typeof frame === 'string' ? utf8ByteCount(frame) : frame.byteLength;
}
