import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODEC_NAMES, createCodec, encodePacket, findUnencodable, formatPath, type Codec, type CodecName } from '../../src/codecs/index.js';
import { EncodeError } from '../../src/errors.js';
import { jsonLikeValue, text } from './arbitraries.js';

function cyclic(): Record<string, unknown> {
  const node: Record<string, unknown> = { name: 'loop' };
  node.self = { back: node };
  return node;
}

function nested(depth: number): unknown {
  let value: unknown = 0;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

/** Values each codec refuses, with what the message must say. */
const REFUSED: Readonly<Record<CodecName, ReadonlyArray<readonly [string, () => unknown, RegExp]>>> = {
  json: [
    ['bigint', () => 10n, /bigint/],
    ['function', () => () => 1, /function/],
    ['symbol', () => Symbol('s'), /symbol/],
    ['Map', () => new Map([['a', 1]]), /Map/],
    ['Set', () => new Set([1]), /Set/],
    ['Uint8Array', () => Uint8Array.of(1), /Uint8Array/],
    ['ArrayBuffer', () => new ArrayBuffer(2), /ArrayBuffer/],
    ['RegExp', () => /x/, /RegExp/],
    ['Promise', () => Promise.resolve(), /Promise/],
    ['Error', () => new Error('x'), /Error/],
  ],
  msgpack: [
    ['bigint', () => 10n, /bigint/],
    ['function', () => () => 1, /function/],
    ['Map', () => new Map([['a', 1]]), /Map/],
    ['Set', () => new Set([1]), /Set/],
    ['Int16Array', () => Int16Array.of(1), /Int16Array/],
    ['ArrayBuffer', () => new ArrayBuffer(2), /ArrayBuffer/],
    ['boxed number', () => new Number(3), /Number/],
    ['__proto__ key', () => JSON.parse('{"__proto__": 1}') as unknown, /__proto__/],
  ],
  bson: [
    ['function', () => () => 1, /function/],
    ['symbol', () => Symbol('s'), /symbol/],
    ['Set', () => new Set([1]), /Set/],
    ['DataView', () => new DataView(new ArrayBuffer(1)), /DataView/],
    ['NUL in a key', () => ({ 'a\u0000b': 1 }), /NUL/],
    ['Map with a number key', () => new Map([[1, 1]]), /number key/],
  ],
};

describe('findUnencodable', () => {
  describe.each(CODEC_NAMES)('%s', (name) => {
    const codec = createCodec(name);
    it.each(REFUSED[name].map(([label, make, message]) => [label, make, message] as const))('refuses a %s and names its path', (_label, make, message) => {
      const error = findUnencodable(codec, { id: 1, method: 'ECHO', params: { a: [0, 0, 0, { b: make() }] } });
      expect(error).toBeInstanceOf(EncodeError);
      expect(error).toMatchObject({ code: 'encode', codec: name });
      // A refused key is reported at the object that holds it.
      expect(error?.path).toMatch(/^params\.a\[3\]\.b/);
      expect(error?.problem).toMatch(message);
    });

    it('refuses a cycle instead of overflowing the stack', () => {
      const error = findUnencodable(codec, { id: 1, method: 'ECHO', params: cyclic() });
      expect(error?.path).toBe('params.self.back');
      expect(error?.problem).toMatch(/cycle/);
    });

    it('refuses nesting beyond its limit, and accepts the limit itself', () => {
      const limit = codec.carries?.maxDepth ?? 0;
      // The packet is level 1 and params level 2, so params may hold limit - 2 levels of arrays below it.
      expect(findUnencodable(codec, { params: nested(limit - 1) })).toBeUndefined();
      expect(findUnencodable(codec, { params: nested(limit) })?.problem).toMatch(/deeper than/);
    });

    it('names a refused value deeper than the quick pass for plain data goes (16 levels)', () => {
      let params: unknown = { bad: REFUSED[name][0]?.[1]() };
      for (let level = 0; level < 20; level++) params = { inner: params };
      const error = findUnencodable(codec, { params });
      expect(error?.path).toBe(formatPath(['params', ...Array.from({ length: 20 }, () => 'inner'), 'bad']));
    });

    it('ignores an enumerable key added to Object.prototype, as the encoders do', () => {
      Object.defineProperty(Object.prototype, 'addedByALibrary', { value: () => 1, enumerable: true, configurable: true, writable: true });
      try {
        expect(findUnencodable(codec, { id: 1, method: 'ECHO', params: { a: 1 } })).toBeUndefined();
      } finally {
        delete (Object.prototype as Record<string, unknown>)['addedByALibrary'];
      }
    });

    it('accepts a value shared twice without a cycle', () => {
      const shared = { x: 1 };
      expect(findUnencodable(codec, { params: [shared, shared, { shared }] })).toBeUndefined();
    });

    it('accepts every value the codec documents it carries (property)', () => {
      fc.assert(fc.property(jsonLikeValue(name), (value) => findUnencodable(codec, { id: 1, method: 'ECHO', params: value }) === undefined), { numRuns: 300 });
    });

    it('names exactly the path of one refused value hidden anywhere in a carried value (property)', () => {
      const segment = fc.oneof(fc.nat(4), text.filter((key) => key !== '__proto__' && !key.includes('\u0000')));
      const refused = fc.constantFrom(...REFUSED[name].filter(([label]) => !label.includes('key')).map(([, make]) => make));
      fc.assert(
        fc.property(fc.array(segment, { maxLength: 6 }), refused, jsonLikeValue(name), (path, make, filler) => {
          const params = place(path, make(), filler);
          const error = findUnencodable(codec, { params });
          expect(error).toBeInstanceOf(EncodeError);
          expect(error?.path).toBe(formatPath(['params', ...path]));
        }),
        { numRuns: 300 },
      );
    });
  });

  it('treats what the codec itself would throw on as refused: every refusal is a value encode() rejects or mangles', () => {
    // The encoders throw on bigint (JSON, MessagePack) and on deep nesting (MessagePack): the check refuses them first.
    expect(() => createCodec('json').encode({ a: 1n })).toThrow();
    expect(() => createCodec('msgpack').encode({ a: 1n })).toThrow();
    expect(() => createCodec('msgpack').encode({ a: nested(200) })).toThrow();
    // And JSON would send a Map as {}: encoding "works", which is why the check exists.
    expect(createCodec('json').encode({ a: new Map([['k', 1]]) })).toBe('{"a":{}}');
  });

  it('accepts what each codec carries beyond JSON', () => {
    expect(findUnencodable(createCodec('json'), { at: new Date(0), n: new Number(1), custom: { toJSON: () => 'x' } })).toBeUndefined();
    expect(findUnencodable(createCodec('msgpack'), { bytes: Uint8Array.of(1), buffer: Buffer.from('x'), at: new Date(0) })).toBeUndefined();
    expect(findUnencodable(createCodec('bson'), { big: 2n ** 60n, map: new Map([['k', { deep: 1 }]]), re: /x/, at: new Date(0), bytes: Uint8Array.of(1) })).toBeUndefined();
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    for (const name of CODEC_NAMES) expect(findUnencodable(createCodec(name), { point: new Point(1, 2) })).toBeUndefined();
  });

  it('formats paths with brackets for keys that are not identifiers', () => {
    expect(formatPath(['params', 'a b', 0, '$ok', '0x'])).toBe('params["a b"][0].$ok["0x"]');
    expect(formatPath([])).toBe('');
  });

  it('assumes only the basic values for a codec that states nothing', () => {
    const bare: Codec = { name: 'json', frameType: 'text', encode: (packet) => JSON.stringify(packet), decode: () => ({ ok: true, value: null }) };
    expect(findUnencodable(bare, { a: new Date(0) })?.path).toBe('a');
    expect(findUnencodable(bare, { a: [1, 'x', null, { b: true }] })).toBeUndefined();
  });
});

describe('encodePacket', () => {
  it('encodes what passes and throws an EncodeError, before encoding, for what does not', () => {
    const codec = createCodec('json');
    expect(encodePacket(codec, { id: 1, params: [1] })).toBe('{"id":1,"params":[1]}');
    expect(() => encodePacket(codec, { id: 1, params: new Set() })).toThrow(EncodeError);
  });

  it('wraps an error of the encoder itself in an EncodeError with an empty path', () => {
    const codec: Codec = {
      ...createCodec('json'),
      name: 'json',
      frameType: 'text',
      encode: () => {
        throw new TypeError('broken encoder');
      },
      decode: () => ({ ok: true, value: null }),
    };
    const error = (() => {
      try {
        encodePacket(codec, {});
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(EncodeError);
    expect(error).toMatchObject({ path: '', cause: expect.any(TypeError) });
  });
});

/** `filler` (or a fresh container) with `value` set at `path`, building arrays for numeric segments and objects for the rest. */
function place(path: ReadonlyArray<string | number>, value: unknown, filler: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const array: unknown[] = Array.isArray(filler) ? [...(filler as unknown[])] : [];
    while (array.length < head) array.push(null);
    array[head] = place(rest, value, array[head]);
    return array;
  }
  const object: Record<string, unknown> = typeof filler === 'object' && filler !== null && !Array.isArray(filler) ? { ...(filler as object) } : {};
  Object.defineProperty(object, head!, { value: place(rest, value, object[head!]), writable: true, enumerable: true, configurable: true });
  return object;
}
