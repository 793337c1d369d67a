import type { Frame } from '../codecs/codec.js';

/**
 * The size of a frame on the wire, in bytes: a binary frame's length, a text frame's UTF-8 length
 * counted in full without encoding it. For the `size` an oversize error reports, where a count
 * that stops at the limit (as the hot-path checks do) would report the limit plus a little.
 *
 * @example
 * ```ts
 * frameByteSize('é'.repeat(3)); // 6
 * frameByteSize(new Uint8Array(4)); // 4
 * ```
 */
export function frameByteSize(frame: Frame): number {
  if (typeof frame !== 'string') return frame.byteLength;
  let bytes = 0;
  for (let index = 0; index < frame.length; index++) {
    const unit = frame.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    // A high surrogate followed by a low one is one code point of 4 bytes; a lone surrogate becomes U+FFFD (3 bytes).
    else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < frame.length && isLowSurrogate(frame.charCodeAt(index + 1))) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
