import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CodecName } from '../../src/codecs/index.js';
import {
  CODEC_NAMES,
  DEFAULT_SUBPROTOCOL_NAMES,
  isSubprotocolToken,
  redactSubprotocols,
  selectCodec,
  subprotocolNameOf,
  type SubprotocolNames,
} from '../../src/codecs/index.js';
import { NegotiationError } from '../../src/errors.js';

const TOKEN_CHARACTERS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const validToken = fc.string({ unit: fc.constantFrom(...TOKEN_CHARACTERS), minLength: 1, maxLength: 40 });
const codecList = fc.array(fc.constantFrom(...CODEC_NAMES), { minLength: 1, maxLength: 6 });

function distinctInOrder(codecs: readonly CodecName[]): CodecName[] {
  return [...new Set(codecs)];
}

/** What a handshake offers (src/protocol/reference/handshake.ts): each codec's name once, in order, then the bearer entry. */
function offerSubprotocols(codecs: readonly CodecName[], names: SubprotocolNames | undefined, token: string): string[] {
  return [...distinctInOrder(codecs).map((codec) => subprotocolNameOf(codec, names)), `bearer.${token}`];
}

describe('isSubprotocolToken', () => {
  it('accepts a JWT and every default codec name', () => {
    expect(isSubprotocolToken('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2lnbmF0dXJl-_')).toBe(true);
    for (const name of Object.values(DEFAULT_SUBPROTOCOL_NAMES)) expect(isSubprotocolToken(name)).toBe(true);
  });

  it('refuses a value with a character a subprotocol cannot carry, and the empty string', () => {
    const separator = fc.constantFrom(' ', '/', '=', ',', ';', '"', ':', '(', '\u00e9', '\u0000', '\n');
    fc.assert(
      fc.property(validToken, separator, fc.string({ maxLength: 10 }), (head, bad, tail) => {
        expect(isSubprotocolToken(`${head}${bad}${tail}`)).toBe(false);
      }),
      { numRuns: 200 },
    );
    expect(isSubprotocolToken('')).toBe(false);
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
