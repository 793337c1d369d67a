import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CodecName } from '../../src/codecs/index.js';
import {
  CODEC_NAMES,
  DEFAULT_SUBPROTOCOL_NAMES,
  isSubprotocolToken,
  offerSubprotocols,
  redactSubprotocols,
  selectCodec,
} from '../../src/codecs/index.js';
import { NegotiationError, OptionsError } from '../../src/errors.js';

const TOKEN_CHARACTERS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const validToken = fc.string({ unit: fc.constantFrom(...TOKEN_CHARACTERS), minLength: 1, maxLength: 40 });
const codecList = fc.array(fc.constantFrom(...CODEC_NAMES), { minLength: 1, maxLength: 6 });

function distinctInOrder(codecs: readonly CodecName[]): CodecName[] {
  return [...new Set(codecs)];
}

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('offerSubprotocols', () => {
  it('offers each codec once, in the given order, then the bearer token', () => {
    fc.assert(
      fc.property(codecList, fc.option(validToken, { nil: undefined }), (codecs, token) => {
        const expected = distinctInOrder(codecs).map((codec) => DEFAULT_SUBPROTOCOL_NAMES[codec]);
        if (token !== undefined) expected.push(`bearer.${token}`);
        expect(offerSubprotocols(codecs, undefined, token)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('uses custom names where given and defaults elsewhere', () => {
    expect(offerSubprotocols(['bson', 'json', 'msgpack'], { bson: 'application.bson', json: 'wirestate-json' })).toEqual([
      'application.bson',
      'wirestate-json',
      'msgpack.v1',
    ]);
  });

  it('accepts a JWT as a bearer token', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJl-_';
    expect(isSubprotocolToken(jwt)).toBe(true);
    expect(offerSubprotocols(['json'], undefined, jwt)).toEqual(['json.v1', `bearer.${jwt}`]);
  });

  it('refuses a token a subprotocol cannot carry, pointing to the other transports without leaking it', () => {
    const separator = fc.constantFrom(' ', '/', '=', ',', ';', '"', ':', '(', '\u00e9', '\u0000', '\n');
    fc.assert(
      fc.property(validToken, separator, fc.string({ maxLength: 10 }), (head, bad, tail) => {
        const token = `Secret-${head}${bad}${tail}`;
        expect(isSubprotocolToken(token)).toBe(false);
        const error = catchError(() => offerSubprotocols(['json'], undefined, token));
        expect(error instanceof OptionsError).toBe(true);
        const message = (error as OptionsError).message;
        expect((error as OptionsError).code).toBe('options');
        expect(message).toContain('auth token');
        expect(message).not.toContain(token);
        expect(message).not.toContain(`Secret-${head}`);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses an empty token', () => {
    expect(() => offerSubprotocols(['json'], undefined, '')).toThrow(OptionsError);
  });

  it('refuses unusable codec lists and names', () => {
    expect(() => offerSubprotocols([])).toThrow(OptionsError);
    expect(() => offerSubprotocols(['cbor' as CodecName])).toThrow(/unknown codec cbor/);
    expect(() => offerSubprotocols(['json'], { json: 'json v1' })).toThrow(/subprotocols.json must be a subprotocol token/);
    expect(() => offerSubprotocols(['json', 'bson'], { bson: 'json.v1' })).toThrow(/subprotocols must differ per codec/);
    expect(() => offerSubprotocols(['json'], { json: 'bearer.json' })).toThrow(/must not start with bearer\./);
  });
});

describe('selectCodec', () => {
  it('maps every offered name back to its codec, with default and custom names', () => {
    const customNames = fc.record(
      { json: fc.constant('custom-json'), msgpack: fc.constant('custom.msgpack'), bson: fc.constant('bson.v2') },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(codecList, fc.option(customNames, { nil: undefined }), validToken, (codecs, names, token) => {
        const offered = offerSubprotocols(codecs, names, token);
        distinctInOrder(codecs).forEach((codec, index) => {
          expect(selectCodec(offered[index] ?? '', codecs, names)).toEqual({ ok: true, codec });
        });
      }),
      { numRuns: 200 },
    );
  });

  it('treats no selection as JSON, even when JSON was not offered', () => {
    expect(selectCodec('', ['msgpack', 'bson'])).toEqual({ ok: true, codec: 'json' });
    expect(selectCodec('', ['json'])).toEqual({ ok: true, codec: 'json' });
  });

  it('rejects a name that was not offered with a NegotiationError listing what was', () => {
    const result = selectCodec('bson.v1', ['msgpack', 'json', 'msgpack']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(NegotiationError);
    expect(result.error.selected).toBe('bson.v1');
    expect(result.error.offered).toEqual(['msgpack.v1', 'json.v1']);
    expect(result.error.code).toBe('negotiation');
  });

  it('rejects a default name when the codec was renamed', () => {
    const result = selectCodec('bson.v1', ['bson'], { bson: 'bson.v2' });
    expect(result.ok).toBe(false);
  });

  it('never puts a token in the error when the server echoes the bearer entry', () => {
    fc.assert(
      fc.property(validToken, codecList, (token, codecs) => {
        const offered = offerSubprotocols(codecs, undefined, token);
        const result = selectCodec(offered[offered.length - 1] ?? '', codecs);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.error.selected).toBe('bearer.<redacted>');
        const shown = [result.error.message, result.error.selected, ...result.error.offered].join('\n');
        expect(shown).not.toContain(`bearer.${token}`);
      }),
      { numRuns: 200 },
    );
  });
});

describe('redactSubprotocols', () => {
  it('hides bearer entries and keeps every other entry', () => {
    expect(redactSubprotocols(['msgpack.v1', 'bearer.s3cr3t', 'json.v1'])).toEqual(['msgpack.v1', 'bearer.<redacted>', 'json.v1']);
    expect(redactSubprotocols([])).toEqual([]);
  });
});
