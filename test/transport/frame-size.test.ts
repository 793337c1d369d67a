import { afterEach, describe, expect, it, vi } from 'vitest';
import { oversizeFrame } from '../../src/machine/actors/inbound-limit.js';
import { frameByteSize } from '../../src/transport/frame-size.js';

describe('frameByteSize', () => {
  it.each([
    ['ASCII', 'abc', 3],
    ['two-byte characters', 'é'.repeat(3), 6],
    ['three-byte characters', '€'.repeat(2), 6],
    ['a surrogate pair', '😀', 4],
    ['a lone surrogate (sent as U+FFFD)', '\ud83d', 3],
  ])('counts %s as UTF-8 does', (_what, text, bytes) => {
    expect(frameByteSize(text)).toBe(bytes);
    expect(frameByteSize(text)).toBe(new TextEncoder().encode(text).byteLength);
  });

  it('gives a binary frame its length', () => {
    expect(frameByteSize(new Uint8Array(7))).toBe(7);
  });
});

describe('an inbound text frame over the limit', () => {
  it('is reported with its UTF-8 size, not its length in UTF-16 units', () => {
    expect(oversizeFrame('é'.repeat(2_000), 1_000)?.size).toBe(4_000);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is measured by counting, without encoding it: a hostile frame must not cost its size again', () => {
    const encode = vi.spyOn(TextEncoder.prototype, 'encode');
    expect(oversizeFrame('a'.repeat(4_000_000), 1_000)?.size).toBe(4_000_000);
    expect(encode).not.toHaveBeenCalled();
  });

  it.each([
    ['a lone high surrogate before a two-byte character', '\ud83d'.concat('é'.repeat(600))],
    ['a lone low surrogate', '\ude00'.repeat(400)],
    ['surrogate pairs', '😀'.repeat(300)],
  ])('counts %s as the UTF-8 that is sent', (_what, text) => {
    expect(oversizeFrame(text, 1_000)?.size).toBe(new TextEncoder().encode(text).byteLength);
  });
});
