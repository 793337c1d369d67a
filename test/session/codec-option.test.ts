import { describe, expect, it } from 'vitest';
import { BsonCodec } from '../../src/codecs/bson.js';
import { JsonCodec } from '../../src/codecs/json.js';
import { MsgpackCodec } from '../../src/codecs/msgpack.js';
import { bson } from '../../src/bson.js';
import { createSession, json, OptionsError, type CodecOption } from '../../src/index.js';
import { msgpack } from '../../src/msgpack.js';
import { resolveCodecs } from '../../src/session/codecs.js';

describe('the codecs option', () => {
  it('defaults to JSON alone', () => {
    const resolved = resolveCodecs(undefined);
    expect(resolved.codecs).toEqual(['json']);
    expect(resolved.createCodec('json')).toBeInstanceOf(JsonCodec);
  });

  it('takes factories in preference order and makes a new instance per call', () => {
    const resolved = resolveCodecs([msgpack(), 'json', bson()]);
    expect(resolved.codecs).toEqual(['msgpack', 'json', 'bson']);
    const first = resolved.createCodec('msgpack');
    expect(first).toBeInstanceOf(MsgpackCodec);
    expect(resolved.createCodec('msgpack')).not.toBe(first);
    expect(resolved.createCodec('bson')).toBeInstanceOf(BsonCodec);
  });

  it('refuses a codec given twice, whichever the form', () => {
    expect(() => resolveCodecs([msgpack(), 'json', msgpack()])).toThrow(new OptionsError('codecs must offer msgpack only once'));
    expect(() => resolveCodecs(['json', json()])).toThrow(new OptionsError('codecs must offer json only once'));
  });

  it('speaks JSON for a codec it did not offer (a server that selects none means JSON)', () => {
    expect(resolveCodecs([msgpack()]).createCodec('json')).toBeInstanceOf(JsonCodec);
  });

  it.each(['msgpack', 'bson'])("refuses the name '%s' with an OptionsError that names the subpath to import", (name) => {
    const make = () => createSession({ endpoint: 'ws://127.0.0.1:1/ws', codecs: [name as CodecOption] });
    expect(make).toThrow(OptionsError);
    expect(make).toThrow(`wirestate/${name}`);
  });

  it.each([[[]], [['yaml']], [[{ name: 'cbor', create: () => new JsonCodec() }]], [[{ name: 'json' }]], ['json']])('refuses %j', (codecs) => {
    expect(() => createSession({ endpoint: 'ws://127.0.0.1:1/ws', codecs: codecs as never })).toThrow(OptionsError);
  });
});
