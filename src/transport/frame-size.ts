import type { Frame } from '../codecs/codec.js';

/**
 * The size of a frame on the wire, in bytes: a binary frame's length, a text frame's UTF-8 length
 * counted in full. For the `size` an oversize error reports, where a count that stops at the limit
 * (as the hot-path checks do) would report the limit plus a little. It encodes the text once,
 * which only a message already refused as oversized pays for.
 *
 * @example
 * ```ts
 * frameByteSize('é'.repeat(3)); // 6
 * frameByteSize(new Uint8Array(4)); // 4
 * ```
 */
export function frameByteSize(frame: Frame): number {
  return (typeof frame === 'string' ? new TextEncoder().encode(frame) : frame).byteLength;
}
