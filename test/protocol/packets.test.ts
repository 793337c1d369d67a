import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolViolationError } from '../../src/errors.js';
import { CLOSE_CODE_NAMES, REFERENCE_CLOSE_CODES, REFERENCE_METHODS, referenceProtocol } from '../../src/protocol/index.js';

const protocol = referenceProtocol();

describe('referenceProtocol', () => {
  it('describes itself', () => {
    expect(protocol.name).toBe('reference');
    expect(protocol.features).toEqual({ initialize: true, authorize: true, resume: true, seq: true, ping: true });
    expect(protocol.closeCodes).toBe(REFERENCE_CLOSE_CODES);
  });

  it('names every code with a specific reaction', () => {
    for (const code of Object.keys(REFERENCE_CLOSE_CODES.codes)) expect(CLOSE_CODE_NAMES[Number(code)]).toBeTypeOf('string');
    expect(CLOSE_CODE_NAMES[1000]).toBe('Normal');
  });
});

describe('encodeRequest', () => {
  it('builds INITIALIZE with lastSeq only when given', () => {
    expect(protocol.encodeRequest(1, { kind: 'initialize', client: 'wirestate/1.0.0' })).toEqual({ id: 1, method: REFERENCE_METHODS.initialize, params: { client: 'wirestate/1.0.0' } });
    const withSeq = protocol.encodeRequest(2, { kind: 'initialize', client: 'c/1', lastSeq: 0 }) as { params: object };
    expect(withSeq).toEqual({ id: 2, method: 'INITIALIZE', params: { client: 'c/1', lastSeq: 0 } });
    const without = protocol.encodeRequest(3, { kind: 'initialize', client: 'c/1', lastSeq: undefined }) as { params: object };
    expect(Object.keys(without.params)).toEqual(['client']);
  });

  it('lets the clientName option replace the session client', () => {
    const named = referenceProtocol({ clientName: 'bot/2.0' });
    expect(named.encodeRequest(1, { kind: 'initialize', client: 'wirestate/1.0.0' })).toMatchObject({ params: { client: 'bot/2.0' } });
  });

  it.each([{ license: 'L' }, { username: 'u', password: 'p' }, { token: 't' }])('builds AUTHORIZE with the credentials %j as params', (credentials) => {
    expect(protocol.encodeRequest(4, { kind: 'authorize', credentials })).toEqual({ id: 4, method: 'AUTHORIZE', params: credentials });
  });

  it('builds SUBSCRIBE, UNSUBSCRIBE and PING', () => {
    expect(protocol.encodeRequest(5, { kind: 'subscribe', streams: ['a', 'b'] })).toEqual({ id: 5, method: 'SUBSCRIBE', params: ['a', 'b'] });
    expect(protocol.encodeRequest(6, { kind: 'unsubscribe', streams: ['a'] })).toEqual({ id: 6, method: 'UNSUBSCRIBE', params: ['a'] });
    const ping = protocol.encodeRequest(7, { kind: 'ping' });
    expect(ping).toEqual({ id: 7, method: 'PING' });
    expect(Object.keys(ping as object)).toEqual(['id', 'method']);
  });

  it('builds application calls, leaving out undefined params', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1 }), fc.string(), fc.option(fc.jsonValue(), { nil: undefined }), (id, method, params) => {
        const packet = protocol.encodeRequest(id, { kind: 'call', method, params }) as Record<string, unknown>;
        expect(packet).toEqual(params === undefined ? { id, method } : { id, method, params });
        expect('params' in packet).toBe(params !== undefined);
      }),
    );
  });
});

describe('parseInitializeResult', () => {
  const valid = { sessionId: 's1', resumeId: 'r1', resumed: false, heartbeatMs: 30_000, authRequired: true };

  it('accepts every valid result and keeps only the known fields', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.boolean(), fc.integer({ min: 1, max: 2 ** 31 }), fc.boolean(), (sessionId, resumeId, resumed, heartbeatMs, authRequired) => {
        const result = { sessionId, resumeId, resumed, heartbeatMs, authRequired };
        expect(protocol.parseInitializeResult({ ...result, extra: 1 })).toEqual(result);
      }),
    );
  });

  it.each([
    ['sessionId', [undefined, 1, null, {}]],
    ['resumeId', [undefined, 2, null, []]],
    ['resumed', [undefined, 'true', 1, null]],
    ['heartbeatMs', [undefined, 0, -5, 1.5, NaN, Infinity, '30000', null]],
    ['authRequired', [undefined, 'false', 0, null]],
  ] as const)('rejects a bad %s, naming it', (field, badValues) => {
    for (const bad of badValues) {
      const broken: Record<string, unknown> = { ...valid, [field]: bad };
      if (bad === undefined) delete broken[field];
      expect(() => protocol.parseInitializeResult(broken)).toThrow(ProtocolViolationError);
      expect(() => protocol.parseInitializeResult(broken)).toThrow(`initialize result ${field} must be`);
    }
  });

  it.each([null, undefined, 'x', 3, [valid]])('rejects a result that is not an object: %j', (result) => {
    expect(() => protocol.parseInitializeResult(result)).toThrow(ProtocolViolationError);
  });
});

describe('failedStreams', () => {
  const requested = ['btcusdt@trade', 'trade', 'ethusdt@depth', 'stream'];

  it('uses error.data.streams when it names requested streams', () => {
    expect(protocol.failedStreams({ code: 404, message: 'unknown stream: trade', data: { streams: ['ethusdt@depth'] } }, requested)).toEqual(['ethusdt@depth']);
  });

  it('blames every requested stream when data.streams names something not requested or is malformed', () => {
    expect(protocol.failedStreams({ code: 404, message: 'unknown stream: trade', data: { streams: ['other'] } }, requested)).toEqual(requested);
    expect(protocol.failedStreams({ code: 404, message: 'unknown stream: trade', data: { streams: 'trade' } }, requested)).toEqual(requested);
    expect(protocol.failedStreams({ code: 404, message: 'unknown stream: trade', data: { streams: [] } }, requested)).toEqual(requested);
  });

  it('never reads stream names out of the server message prose', () => {
    expect(protocol.failedStreams({ code: 404, message: 'unknown stream: btcusdt@trade' }, requested)).toEqual(requested);
    expect(protocol.failedStreams({ code: 404, message: 'unknown streams: trade, ethusdt@depth.' }, requested)).toEqual(requested);
    expect(protocol.failedStreams({ code: 404, message: 'Stream "trade" is unknown' }, requested)).toEqual(requested);
  });

  it('returns every requested stream when it cannot tell, or for other error codes', () => {
    expect(protocol.failedStreams({ code: 404, message: 'not found' }, ['a1', 'b1'])).toEqual(['a1', 'b1']);
    expect(protocol.failedStreams({ code: 401, message: 'unauthorized: a1', data: { streams: ['a1'] } }, ['a1', 'b1'])).toEqual(['a1', 'b1']);
  });

  it('property: the answer is a non-empty subset of the requested names', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), fc.string(), fc.anything(), fc.integer({ min: 400, max: 404 }), (names, message, data, code) => {
        const failed = protocol.failedStreams({ code, message, data }, names);
        expect(failed.length).toBeGreaterThan(0);
        for (const name of failed) expect(names).toContain(name);
      }),
    );
  });
});

describe('isUnauthorized', () => {
  it('is true for code 401 only', () => {
    expect(protocol.isUnauthorized({ code: 401, message: '' })).toBe(true);
    for (const code of [400, 403, 404, 4001, -32601]) expect(protocol.isUnauthorized({ code, message: '' })).toBe(false);
  });
});
