/**
 * UTF-8 byte length of a string, stopping early once it exceeds `limit` (only the comparison with
 * the limit matters). Short strings are answered without a scan: each UTF-16 unit is at most three
 * UTF-8 bytes.
 */
export function utf8ByteLength(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length;
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      bytes += 4;
      index++;
    } else bytes += 3;
    if (bytes > limit) return bytes;
  }
  return bytes;
}
