import { describe, expect, it } from 'vitest';
import { bson } from '../../src/bson.js';
import { codecFactory } from '../../src/codecs/index.js';
import { EncodeError, type CodecName } from '../../src/node.js';
import { openSession, startServer, waitForState } from '../helpers/session-harness.js';

function cycle(): unknown {
  const node: Record<string, unknown> = {};
  node.self = node;
  return node;
}

/** Params each codec cannot carry, and the path the error must name. */
const CASES: ReadonlyArray<readonly [CodecName, string, () => unknown, string]> = [
  ['json', 'a Map (JSON would send {})', () => ({ a: [0, 0, 0, { b: new Map([['k', 1]]) }] }), 'params.a[3].b'],
  ['json', 'a Set', () => ({ tags: new Set(['x']) }), 'params.tags'],
  ['json', 'a function (JSON would drop it)', () => ({ onDone: () => undefined }), 'params.onDone'],
  ['json', 'a bigint', () => [1n], 'params[0]'],
  ['json', 'a cycle', cycle, 'params.self'],
  ['msgpack', 'a __proto__ key (the server would close 1007)', () => JSON.parse('{"order":{"__proto__":{"admin":true}}}') as unknown, 'params.order.__proto__'],
  ['msgpack', 'a bigint', () => ({ qty: 2n ** 70n }), 'params.qty'],
  ['msgpack', 'a symbol', () => ({ tag: Symbol('t') }), 'params.tag'],
  ['bson', 'a Set', () => ({ tags: new Set(['x']) }), 'params.tags'],
  ['bson', 'a key with NUL', () => ({ 'a\u0000b': 1 }), 'params["a\\u0000b"]'],
];

describe('request() with params the codec cannot carry', () => {
  it.each(CASES)('%s: %s is refused with an EncodeError naming its path; nothing is sent and the session stays up', async (codec, _what, params, path) => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, codecs: [codecFactory(codec)], lazy: false });
    await waitForState(session, 'authorized');

    const error = await session.request('ECHO', params()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(EncodeError);
    expect(error).toMatchObject({ code: 'encode', codec, path });
    expect((error as EncodeError).problem).not.toBe('');
    await expect(session.request('ECHO', 'after')).resolves.toBe('after');
    expect(server.packets((packet) => packet.method === 'ECHO')).toHaveLength(1);
    expect(session.states.at(-1)?.value).toBe('authorized');
    expect(session.states.filter((state) => state.value === 'closed')).toEqual([]);
  });

  it('bson carries a bigint (as an int64), so it is sent', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, codecs: [bson()] });
    await expect(session.request('ECHO', { big: 5n })).resolves.toEqual({ big: 5 });
  });
});
