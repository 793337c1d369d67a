import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeData, toFrame } from '../../src/transport/incoming-frame.js';

describe('toFrame', () => {
  it('keeps strings', () => {
    expect(toFrame('{"id":1}')).toBe('{"id":1}');
  });

  it('wraps an ArrayBuffer without copying', () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const frame = toFrame(buffer) as Uint8Array;
    expect(frame.buffer).toBe(buffer);
    expect([...frame]).toEqual([1, 2, 3]);
  });

  it('hands a Buffer slice on as it is (no copy, no re-wrapping)', () => {
    const whole = Buffer.from([0, 1, 2, 3, 4]);
    const slice = whole.subarray(1, 4);
    const frame = toFrame(slice) as Uint8Array;
    expect(frame).toBe(slice);
    expect(frame.buffer).toBe(whole.buffer);
    expect([...frame]).toEqual([1, 2, 3]);
  });

  it('views a typed array of another kind as plain bytes over the same memory', () => {
    const words = new Uint16Array([0x0201]);
    const frame = toFrame(words) as Uint8Array;
    expect(Object.getPrototypeOf(frame)).toBe(Uint8Array.prototype);
    expect(frame.buffer).toBe(words.buffer);
    expect(frame.byteLength).toBe(2);
  });

  it('returns a plain Uint8Array as it is, and views a DataView', () => {
    const bytes = new Uint8Array([7]);
    expect(toFrame(bytes)).toBe(bytes);
    expect([...(toFrame(new DataView(new Uint8Array([8, 9]).buffer, 1)) as Uint8Array)]).toEqual([9]);
  });

  it('joins fragments (ws binaryType "fragments") in order', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 16 }), { maxLength: 8 }), (chunks) => {
        const frame = toFrame(chunks.map((chunk) => Buffer.from(chunk)));
        expect(frame).toBeInstanceOf(Uint8Array);
        expect([...(frame as Uint8Array)]).toEqual(chunks.flatMap((chunk) => [...chunk]));
      }),
    );
  });

  it('refuses what it cannot read synchronously, and names it', () => {
    const blob = new Blob(['x']);
    expect(toFrame(blob)).toBeUndefined();
    expect(toFrame(42)).toBeUndefined();
    expect(toFrame([1, 2])).toBeUndefined();
    expect(describeData(blob)).toBe('Blob');
    expect(describeData(42)).toBe('number');
    expect(describeData(null)).toBe('null');
  });
});
