import { Encoder } from '@msgpack/msgpack';
import { DBRef, Long, serialize, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import type { CodecName, DecodeResult } from '../../src/codecs/index.js';
import { BsonCodec, CODEC_NAMES, createCodec, isCodecName, JsonCodec, MsgpackCodec } from '../../src/codecs/index.js';
import { DecodeError } from '../../src/errors.js';
import { OptionsError } from '../../src/errors.js';

const BINARY_CODECS = ['msgpack', 'bson'] as const;

function decoded(result: DecodeResult): unknown {
  if (!result.ok) throw result.error;
  return result.value;
}

function failure(result: DecodeResult): DecodeError {
  if (result.ok) throw new Error(`expected a decode failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('createCodec', () => {
  it('creates a new instance of the named codec on every call', () => {
    const expected = { json: [JsonCodec, 'text'], msgpack: [MsgpackCodec, 'binary'], bson: [BsonCodec, 'binary'] } as const;
    for (const name of CODEC_NAMES) {
      const codec = createCodec(name);
      expect(codec).toBeInstanceOf(expected[name][0]);
      expect(codec.name).toBe(name);
      expect(codec.frameType).toBe(expected[name][1]);
      expect(createCodec(name)).not.toBe(codec);
    }
  });

  it('refuses an unknown name from an untyped caller', () => {
    expect(() => createCodec('cbor' as CodecName)).toThrow(OptionsError);
  });

  it('lists the shipped codecs and recognises their names', () => {
    expect(CODEC_NAMES).toEqual(['json', 'msgpack', 'bson']);
    expect(CODEC_NAMES.every(isCodecName)).toBe(true);
    for (const value of ['cbor', 'JSON', '', 1, null, undefined, {}]) expect(isCodecName(value)).toBe(false);
  });
});

describe('frame types', () => {
  it('json refuses binary frames', () => {
    const error = failure(createCodec('json').decode(new TextEncoder().encode('{"id":1}')));
    expect(error).toMatchObject({ code: 'decode', codec: 'json', frameType: 'binary' });
    expect(error).toBeInstanceOf(DecodeError);
  });

  it.each(BINARY_CODECS)('%s refuses text frames', (name) => {
    const error = failure(createCodec(name).decode('{"id":1}'));
    expect(error).toMatchObject({ code: 'decode', codec: name, frameType: 'text' });
    expect(error).toBeInstanceOf(DecodeError);
  });

  it.each(CODEC_NAMES)('%s keeps the parser error as the cause of a malformed frame', (name) => {
    const codec = createCodec(name);
    const error = failure(codec.decode(codec.frameType === 'text' ? '{"id":' : new Uint8Array([0xc1])));
    expect(error).toMatchObject({ codec: name, frameType: codec.frameType });
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('json accepts any JSON value, not only objects', () => {
    const codec = createCodec('json');
    expect(decoded(codec.decode('[1,"a"]'))).toEqual([1, 'a']);
    expect(decoded(codec.decode('null'))).toBeNull();
  });
});

describe('encoded bytes', () => {
  it.each(BINARY_CODECS)('%s returns bytes that later encodes do not overwrite', (name) => {
    const codec = createCodec(name);
    const packet = { id: 1, method: 'FIRST', params: ['a'.repeat(100)] };
    const first = codec.encode(packet) as Uint8Array;
    const snapshot = Array.from(first);
    codec.encode({ id: 2, method: 'SECOND', params: ['b'.repeat(5000)] });
    codec.encode({ id: 3, method: 'THIRD' });
    expect(Array.from(first)).toEqual(snapshot);
    expect(decoded(codec.decode(first))).toEqual(packet);
  });

  it('msgpack returns exactly sized bytes that no other encode shares: small ones a region of a pooled block, large ones a buffer of their own', () => {
    const codec = new MsgpackCodec();
    const packets = [{ id: 1, method: 'PING' }, { id: 2, method: 'ECHO', params: 'x'.repeat(300) }, { id: 3, method: 'PING' }];
    const regions = packets.map((packet) => codec.encode(packet));
    for (const [index, bytes] of regions.entries()) expect(bytes).toEqual(new Encoder().encode(packets[index]));
    // Regions of one block never overlap (a block may also have filled up in between).
    for (const [index, bytes] of regions.entries()) {
      for (const later of regions.slice(index + 1)) {
        if (later.buffer === bytes.buffer) expect(later.byteOffset).toBeGreaterThanOrEqual(bytes.byteOffset + bytes.byteLength);
      }
    }
    expect(regions[0]!.buffer.byteLength).toBeGreaterThan(regions[0]!.byteLength);
    const large = codec.encode({ id: 4, method: 'ECHO', params: 'y'.repeat(10_000) });
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBe(large.byteLength);
  });

  it.each(BINARY_CODECS)('%s decodes a frame that is a view into a larger buffer', (name) => {
    const codec = createCodec(name);
    const frame = codec.encode({ stream: 's', data: { p: 1.25 }, seq: 9 }) as Uint8Array;
    const pool = new Uint8Array(frame.length + 20).fill(0xff);
    pool.set(frame, 7);
    expect(decoded(codec.decode(pool.subarray(7, 7 + frame.length)))).toEqual({ stream: 's', data: { p: 1.25 }, seq: 9 });
  });
});

describe('values beyond JSON', () => {
  it('json turns NaN and infinities into null; msgpack and bson keep them', () => {
    const packet = { id: 1, result: [Number.NaN, Infinity, -Infinity] };
    expect(decoded(new JsonCodec().decode(new JsonCodec().encode(packet)))).toEqual({ id: 1, result: [null, null, null] });
    for (const name of BINARY_CODECS) {
      const codec = createCodec(name);
      expect(decoded(codec.decode(codec.encode(packet)))).toEqual(packet);
    }
  });

  it.each(BINARY_CODECS)('%s carries byte arrays natively', (name) => {
    const codec = createCodec(name);
    const value = decoded(codec.decode(codec.encode({ event: 'blob', data: new Uint8Array([0, 1, 254, 255]) }))) as { data: unknown };
    expect(value.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(value.data as Uint8Array)).toEqual([0, 1, 254, 255]);
  });

  it('json keeps lone surrogates; bson replaces them with U+FFFD, as msgpack does in strings over 50 characters', () => {
    const json = new JsonCodec();
    expect(decoded(json.decode(json.encode({ data: 'a\ud800b' })))).toEqual({ data: 'a\ud800b' });
    const bson = new BsonCodec();
    expect(decoded(bson.decode(bson.encode({ data: 'a\ud800b' })))).toEqual({ data: 'a\ufffdb' });
    const msgpack = new MsgpackCodec();
    const long = `${'x'.repeat(60)}\ud800`;
    expect(decoded(msgpack.decode(msgpack.encode({ data: long })))).toEqual({ data: `${'x'.repeat(60)}\ufffd` });
  });

  it('a bigint cannot be encoded by json or msgpack', () => {
    expect(() => new JsonCodec().encode({ id: 1n })).toThrow(TypeError);
    expect(() => new MsgpackCodec().encode({ id: 1n })).toThrow();
  });
});

describe('__proto__ keys', () => {
  const packet = JSON.parse('{"event":"x","data":{"__proto__":{"polluted":true}}}') as Record<string, unknown>;

  it.each(['json', 'bson'] as const)('%s keeps a __proto__ key as a plain own property', (name) => {
    const codec = createCodec(name);
    const value = decoded(codec.decode(codec.encode(packet))) as { data: object };
    expect(Object.getPrototypeOf(value.data)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value.data, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('msgpack refuses to decode a __proto__ map key', () => {
    const codec = createCodec('msgpack');
    expect(failure(codec.decode(codec.encode(packet)))).toMatchObject({ codec: 'msgpack', frameType: 'binary' });
  });
});

describe('64-bit integers', () => {
  it('msgpack decodes int64 and uint64 as numbers, the nearest double beyond 2^53', () => {
    const frame = new Encoder({ useBigInt64: true }).encode({ time: 1_700_000_000_000n, big: 2n ** 63n - 1n, negative: -(2n ** 40n) });
    expect(decoded(new MsgpackCodec().decode(frame))).toEqual({ time: 1_700_000_000_000, big: 2 ** 63, negative: -(2 ** 40) });
  });

  it('bson decodes int64 as numbers at any depth, the nearest double beyond 2^53', () => {
    const frame = serialize({
      time: Long.fromNumber(1_700_000_000_000),
      big: Long.fromString('9007199254740993'),
      nested: [{ lowest: Long.MIN_VALUE }, [Long.fromNumber(-5)]],
    });
    expect(decoded(new BsonCodec().decode(frame))).toStrictEqual({
      time: 1_700_000_000_000,
      big: 9007199254740992,
      nested: [{ lowest: -(2 ** 63) }, [-5]],
    });
  });

  it('bson converts an unsafe int64 under a __proto__ key without touching the prototype', () => {
    const document = JSON.parse('{"__proto__":0}') as Record<string, unknown>;
    Object.defineProperty(document, '__proto__', { value: Long.fromString('9007199254740993'), enumerable: true });
    const value = decoded(new BsonCodec().decode(serialize(document))) as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe(9007199254740992);
  });

  it('bson leaves other BSON types as the bson classes', () => {
    const value = decoded(new BsonCodec().decode(serialize({ stamp: new Timestamp({ t: 1, i: 2 }), big: Long.MAX_VALUE }))) as Record<string, unknown>;
    expect(value.stamp).toBeInstanceOf(Timestamp);
    expect(value.big).toBe(2 ** 63);
  });

  it('bson encodes numbers beyond int32 as doubles, so they come back unchanged', () => {
    const codec = new BsonCodec();
    const packet = { id: Number.MAX_SAFE_INTEGER, result: [2 ** 31, -(2 ** 31) - 1, 0.5, -0] };
    expect(decoded(codec.decode(codec.encode(packet)))).toStrictEqual(packet);
  });
});

describe('bson documents', () => {
  it('refuses to encode anything but an object', () => {
    const codec = new BsonCodec();
    for (const value of [[1, 2], 'text', 1, null, undefined, new Uint8Array(2)]) {
      expect(() => codec.encode(value)).toThrow(TypeError);
    }
  });

  it('refuses to encode a key containing NUL', () => {
    expect(() => new BsonCodec().encode({ 'a\u0000b': 1 })).toThrow();
  });

  it('decodes the DBRef shape as a DBRef (documented limitation)', () => {
    const codec = new BsonCodec();
    const value = decoded(codec.decode(codec.encode({ event: 'x', data: { $ref: 'users', $id: 7 } }))) as { data: unknown };
    expect(value.data).toBeInstanceOf(DBRef);
  });
});

describe('json', () => {
  it('refuses a top-level value that serializes to nothing', () => {
    expect(() => new JsonCodec().encode(undefined)).toThrow(TypeError);
  });
});
