import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceProtocol } from '../../src/protocol/index.js';

const protocol = referenceProtocol();
const { classify } = protocol;

const positiveId = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const streamName = fc.string({ maxLength: 30 });
const payload = fc.jsonValue();

describe('classify', () => {
  it('never throws and always returns a known kind, for any input', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBigInt: true }), (packet) => {
        const classified = classify(packet);
        expect(['result', 'error', 'stream', 'event', 'unknown']).toContain(classified.kind);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws for objects whose packet fields have arbitrary types', () => {
    const anyField = fc.option(fc.anything(), { nil: undefined });
    fc.assert(
      fc.property(fc.record({ id: anyField, result: anyField, error: anyField, stream: anyField, data: anyField, seq: anyField, event: anyField }), (packet) => {
        const classified = classify(packet);
        if (classified.kind === 'unknown') expect(classified.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not throw for exotic objects whose properties throw', () => {
    const hostile = new Proxy({}, { get: () => { throw new Error('boom'); }, has: () => { throw new Error('boom'); } });
    expect(classify(hostile)).toMatchObject({ kind: 'unknown', reason: 'reading the packet threw' });
  });

  it('classifies stream messages with their fields', () => {
    fc.assert(
      fc.property(streamName, payload, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (stream, data, seq) => {
        expect(classify({ stream, data, seq })).toEqual({ kind: 'stream', stream, data, seq });
      }),
    );
  });

  it('accepts a stream message without seq (seq undefined) but not with a malformed seq', () => {
    expect(classify({ stream: 's', data: 1 })).toEqual({ kind: 'stream', stream: 's', data: 1 });
    expect(classify({ stream: 's', data: 1, seq: null })).toEqual({ kind: 'stream', stream: 's', data: 1 });
    for (const seq of ['5', 1.5, -1, Number.MIN_SAFE_INTEGER, NaN, Infinity, {}, [], true]) {
      expect(classify({ stream: 's', data: 1, seq })).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('seq') });
    }
  });

  it('classifies results, including a null result', () => {
    fc.assert(
      fc.property(positiveId, payload, (id, result) => {
        expect(classify({ id, result })).toEqual({ kind: 'result', id, result });
      }),
    );
    expect(classify({ id: 3, result: null })).toEqual({ kind: 'result', id: 3, result: null });
  });

  it('classifies error responses with their error object', () => {
    fc.assert(
      fc.property(positiveId, fc.integer({ min: -40_000, max: 40_000 }), fc.string(), fc.option(payload, { nil: undefined }), (id, code, message, data) => {
        const error = data === undefined ? { code, message } : { code, message, data };
        expect(classify({ id, error })).toEqual({ kind: 'error', id, error });
      }),
    );
    expect(classify({ id: 1, result: null, error: { code: 401, message: 'no' } })).toMatchObject({ kind: 'error' });
  });

  it('classifies events, with or without data', () => {
    fc.assert(
      fc.property(fc.string(), payload, (event, data) => {
        expect(classify({ event, data })).toEqual({ kind: 'event', event, data });
      }),
    );
    expect(classify({ event: 'hello' })).toEqual({ kind: 'event', event: 'hello', data: undefined });
  });

  it.each([
    [null, 'null'],
    [42, 'number'],
    ['text', 'string'],
    [[1, 2], 'array'],
    [{}, 'no "id", "stream" or "event"'],
    [{ id: 0, result: 1 }, '"id" must be a positive integer'],
    [{ id: -1, result: 1 }, '"id" must be a positive integer'],
    [{ id: 1.5, result: 1 }, '"id" must be a positive integer'],
    [{ id: '1', result: 1 }, '"id" must be a positive integer'],
    [{ id: 1 }, 'neither'],
    [{ id: 1, result: 2, error: { code: 1, message: 'm' } }, 'both'],
    [{ id: 1, error: 'bad' }, '"error" must be an object'],
    [{ id: 1, error: [] }, '"error" must be an object'],
    [{ id: 1, error: { code: '401', message: 'm' } }, '"error.code" must be an integer'],
    [{ id: 1, error: { code: 1.5, message: 'm' } }, '"error.code" must be an integer'],
    [{ id: 1, error: { code: 401 } }, '"error.message" must be a string'],
    [{ stream: 7, data: 1 }, '"stream" must be a string'],
    [{ event: 7 }, '"event" must be a string'],
  ])('reports %j as unknown, saying why', (packet, reason) => {
    const classified = classify(packet);
    expect(classified).toMatchObject({ kind: 'unknown', packet });
    if (classified.kind === 'unknown') expect(classified.reason).toContain(reason);
  });

  it('returns the server error object itself, without copying it', () => {
    const error = { code: 500, message: 'oops' };
    const classified = classify({ id: 9, error });
    expect(classified.kind === 'error' && classified.error).toBe(error);
  });
});
