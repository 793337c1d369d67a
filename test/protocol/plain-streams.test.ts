import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OptionsError, ProtocolViolationError } from '../../src/errors.js';
import { decideClose } from '../../src/machine/close-policy.js';
import { PLAIN_STREAMS_CLOSE_CODES, plainStreams } from '../../src/protocol/index.js';
import type { HandshakeContext, ProtocolRequest } from '../../src/protocol/index.js';

const protocol = plainStreams();
const { classify } = protocol;
const subprotocolNames = { json: 'json.v1', msgpack: 'msgpack.v1', bson: 'bson.v1' } as const;
const base: HandshakeContext = { endpoint: 'ws://127.0.0.1:9000/ws', codecs: ['msgpack', 'json'], subprotocolNames };

describe('plainStreams: identity and features', () => {
  it('is named plain-streams and has none of the reference lifecycle steps', () => {
    expect(protocol.name).toBe('plain-streams');
    expect(protocol.features).toEqual({ initialize: false, authorize: false, resume: false, seq: false, ping: false });
    expect(protocol.closeCodes).toBe(PLAIN_STREAMS_CLOSE_CODES);
  });

  it('never reports an unauthorized error and blames every requested stream for a refused subscribe', () => {
    expect(protocol.isUnauthorized({ code: 401, message: 'unauthorized' })).toBe(false);
    expect(protocol.failedStreams({ code: 404, message: 'unknown stream: b' }, ['a', 'b'])).toEqual(['a', 'b']);
  });

  it('parses any initialize result as a fresh, unauthenticated one (the machine never asks)', () => {
    expect(protocol.parseInitializeResult(undefined)).toEqual({ resumed: false, authRequired: false });
  });

  it('validates its options', () => {
    expect(() => plainStreams({ query: { key: 1 as unknown as string } })).toThrow(OptionsError);
    expect(() => plainStreams({ query: [] as unknown as Record<string, string> })).toThrow(OptionsError);
    expect(() => plainStreams({ offerCodecSubprotocols: 'yes' as unknown as boolean })).toThrow(OptionsError);
    expect(() => plainStreams({ methods: { subscribe: '' } })).toThrow(/methods.subscribe must be a non-empty string/);
  });
});

describe('plainStreams: handshake', () => {
  it('uses the endpoint exactly as given, offers no subprotocols and sends no headers', () => {
    const result = protocol.handshake({ ...base, endpoint: 'ws://127.0.0.1:9000' });
    expect(result).toEqual({ url: 'ws://127.0.0.1:9000', protocols: [], headers: {} });
  });

  it('sends no resume id and no token, whatever the context holds', () => {
    const result = protocol.handshake({ ...base, resumeId: 'r-1', token: 'secret', tokenTransport: 'query' });
    expect(result.url).toBe(base.endpoint);
    expect(result.url).not.toContain('secret');
    expect(result.protocols).toEqual([]);
    expect(result.headers).toEqual({});
  });

  it('adds the query option, replacing parameters of the same name and keeping the others', () => {
    const result = plainStreams({ query: { apiKey: 'k 1', region: 'us' } }).handshake({ ...base, endpoint: 'wss://example.test/ws?region=eu&tag=a' });
    const params = new URL(result.url).searchParams;
    expect(params.get('apiKey')).toBe('k 1');
    expect(params.get('region')).toBe('us');
    expect(params.get('tag')).toBe('a');
  });

  it('offers the codecs in preference order when asked', () => {
    const result = plainStreams({ offerCodecSubprotocols: true }).handshake({ ...base, subprotocolNames: { ...subprotocolNames, json: 'stream.v1' } });
    expect(result.protocols).toEqual(['msgpack.v1', 'stream.v1']);
  });

  it('refuses an endpoint that is not a URL', () => {
    expect(() => protocol.handshake({ ...base, endpoint: 'not a url' })).toThrow(OptionsError);
  });
});

describe('plainStreams: packets', () => {
  it('builds seed-003 subscribe and unsubscribe packets', () => {
    expect(protocol.encodeRequest(1, { kind: 'subscribe', streams: ['a', 'b'] })).toEqual({ method: 'SUBSCRIBE', params: ['a', 'b'], id: 1 });
    expect(protocol.encodeRequest(2, { kind: 'unsubscribe', streams: ['a'] })).toEqual({ method: 'UNSUBSCRIBE', params: ['a'], id: 2 });
  });

  it('builds application requests, leaving out absent params', () => {
    expect(protocol.encodeRequest(3, { kind: 'call', method: 'LIST_SUBSCRIPTIONS' })).toEqual({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
    expect(protocol.encodeRequest(4, { kind: 'call', method: 'GET', params: { a: 1 } })).toEqual({ method: 'GET', params: { a: 1 }, id: 4 });
    expect(Object.keys(protocol.encodeRequest(3, { kind: 'call', method: 'X' }) as object)).not.toContain('params');
  });

  it('uses other method names when configured', () => {
    const custom = plainStreams({ methods: { subscribe: 'sub' } });
    expect(custom.encodeRequest(1, { kind: 'subscribe', streams: ['a'] })).toMatchObject({ method: 'sub' });
    expect(custom.encodeRequest(1, { kind: 'unsubscribe', streams: ['a'] })).toMatchObject({ method: 'UNSUBSCRIBE' });
  });

  it('refuses the lifecycle requests the dialect does not have', () => {
    const missing: ProtocolRequest[] = [{ kind: 'initialize', client: 'x/1' }, { kind: 'authorize', credentials: { license: 'l' } }, { kind: 'ping' }];
    for (const request of missing) expect(() => protocol.encodeRequest(1, request)).toThrow(ProtocolViolationError);
  });
});

describe('plainStreams: classify', () => {
  it('never throws and always returns a known kind, for any input', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withTypedArray: true, withBigInt: true }), (packet) => {
        expect(['result', 'error', 'stream', 'event', 'unknown']).toContain(classify(packet).kind);
      }),
      { numRuns: 1000 },
    );
    const anyField = fc.option(fc.anything(), { nil: undefined });
    fc.assert(
      fc.property(fc.record({ id: anyField, result: anyField, error: anyField, stream: anyField, data: anyField, event: anyField }), (packet) => {
        const classified = classify(packet);
        if (classified.kind === 'unknown') expect(classified.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('classifies {stream, data} as a stream message without seq, even when the server adds one', () => {
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), (stream, data) => {
        expect(classify({ stream, data })).toEqual({ kind: 'stream', stream, data });
      }),
    );
    expect(classify({ stream: 's', data: 1, seq: 9 })).toEqual({ kind: 'stream', stream: 's', data: 1 });
  });

  it('classifies results, including the null result of a subscribe', () => {
    expect(classify({ id: 7, result: null })).toEqual({ kind: 'result', id: 7, result: null });
    expect(classify({ result: [1], id: 8 })).toEqual({ kind: 'result', id: 8, result: [1] });
  });

  it('classifies error responses in the shapes servers send', () => {
    expect(classify({ id: 1, error: { code: 2, message: 'bad' } })).toEqual({ kind: 'error', id: 1, error: { code: 2, message: 'bad' } });
    expect(classify({ id: 1, error: { code: 2, msg: 'Invalid request' } })).toEqual({ kind: 'error', id: 1, error: { code: 2, message: 'Invalid request' } });
    expect(classify({ id: 1, error: 'nope' })).toEqual({ kind: 'error', id: 1, error: { code: 0, message: 'nope' } });
    expect(classify({ id: 1, error: { data: 5 } })).toMatchObject({ kind: 'error', error: { code: 0, data: 5 } });
    expect(classify({ id: 1, error: 5 })).toMatchObject({ kind: 'unknown' });
  });

  it('classifies {event} as an event and anything else as unknown with a reason', () => {
    expect(classify({ event: 'notice', data: 1 })).toEqual({ kind: 'event', event: 'notice', data: 1 });
    expect(classify({ event: 'notice' })).toEqual({ kind: 'event', event: 'notice' });
    expect(classify({ e: 'trade', p: '1' })).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('no "id" or "stream"') });
    expect(classify({ stream: 5, data: 1 })).toMatchObject({ kind: 'unknown', reason: '"stream" must be a string' });
    expect(classify({ id: 'x', result: 1 })).toMatchObject({ kind: 'unknown' });
    expect(classify({ id: 1 })).toMatchObject({ kind: 'unknown' });
    expect(classify([1])).toMatchObject({ kind: 'unknown', reason: 'the packet is an array, not an object' });
    expect(classify(null)).toMatchObject({ kind: 'unknown' });
  });
});

describe('plainStreams: close codes', () => {
  const decide = (code: number, attempt = 0) =>
    decideClose({ code, table: PLAIN_STREAMS_CLOSE_CODES, clientRequested: false, canResume: false, hasTokenProvider: false, tokenRetryUsed: false, attempt, maxAttempts: Infinity, opened: true });

  it('never resumes: every reconnect is a new session', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 4999 }), (code) => {
        expect(decide(code).kind).not.toBe('resume');
      }),
      { numRuns: 500 },
    );
  });

  it('keeps fatal only what a broken client causes', () => {
    for (const code of [1002, 1003, 1007, 1015]) expect(decide(code).kind).toBe('fatal');
    for (const code of [1000, 1001, 1006, 1008, 1009, 1011, 1012, 1013, 3000, 4000, 4001, 4002, 4999]) expect(decide(code).kind).toBe('new-session');
  });

  it('reconnects at once after a going-away, restart or normal close, and waits after a drop', () => {
    expect(decide(1001)).toEqual({ kind: 'new-session', delay: 'none' });
    expect(decide(1012)).toEqual({ kind: 'new-session', delay: 'none' });
    expect(decide(1000)).toEqual({ kind: 'new-session', delay: 'none' });
    expect(decide(1006)).toEqual({ kind: 'new-session', delay: 'backoff' });
    expect(decide(1013)).toEqual({ kind: 'new-session', delay: 'long-backoff' });
  });
});
