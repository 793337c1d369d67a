import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { referenceProtocol } from '../../src/protocol/index.js';
import type { HandshakeContext } from '../../src/protocol/index.js';

const { handshake } = referenceProtocol();
const subprotocolNames = { json: 'json.v1', msgpack: 'msgpack.v1', bson: 'bson.v1' } as const;
const base: HandshakeContext = { endpoint: 'ws://127.0.0.1:9000/ws', codecs: ['msgpack', 'json'], subprotocolNames };

function query(url: string): URLSearchParams {
  return new URL(url).searchParams;
}

describe('handshake', () => {
  it('adds version=1 and offers the codecs in preference order, with no headers for a new session', () => {
    const result = handshake(base);
    expect(query(result.url).get('version')).toBe('1');
    expect(query(result.url).has('resume')).toBe(false);
    expect(new URL(result.url).pathname).toBe('/ws');
    expect(result.protocols).toEqual(['msgpack.v1', 'json.v1']);
    expect(result.headers).toEqual({});
  });

  it('uses the configured subprotocol names', () => {
    const result = handshake({ ...base, codecs: ['bson', 'json'], subprotocolNames: { json: 'j2', msgpack: 'm2', bson: 'b2' } });
    expect(result.protocols).toEqual(['b2', 'j2']);
  });

  it('sends the Resume-Id as query parameter and header when resuming', () => {
    const result = handshake({ ...base, resumeId: 'r/1 +x' });
    expect(query(result.url).get('resume')).toBe('r/1 +x');
    expect(result.headers).toEqual({ 'Resume-Id': 'r/1 +x' });
  });

  it('keeps query parameters already on the endpoint and replaces ours', () => {
    const result = handshake({ ...base, endpoint: 'wss://example.test/ws?region=eu&version=7&tag=a&tag=b', resumeId: 'abc' });
    const params = query(result.url);
    expect(params.get('region')).toBe('eu');
    expect(params.getAll('tag')).toEqual(['a', 'b']);
    expect(params.getAll('version')).toEqual(['1']);
    expect(params.get('resume')).toBe('abc');
    expect(result.url.startsWith('wss://example.test/ws?')).toBe(true);
  });

  it('puts a subprotocol token only in a bearer entry, never in the URL', () => {
    const result = handshake({ ...base, token: 'abc.DEF-123_x', tokenTransport: 'subprotocol' });
    expect(result.protocols).toEqual(['msgpack.v1', 'json.v1', 'bearer.abc.DEF-123_x']);
    expect(query(result.url).has('token')).toBe(false);
    expect(result.url).not.toContain('abc.DEF');
  });

  it('sends a token by subprotocol when no transport is given (the protocol default for tokens)', () => {
    expect(handshake({ ...base, token: 't' }).protocols).toContain('bearer.t');
  });

  it('puts a query token only in the URL, never in a subprotocol', () => {
    const result = handshake({ ...base, token: 'a b&c=d', tokenTransport: 'query' });
    expect(query(result.url).get('token')).toBe('a b&c=d');
    expect(result.protocols).toEqual(['msgpack.v1', 'json.v1']);
  });

  it('sends a packet-transport token neither in the URL nor as a subprotocol', () => {
    const result = handshake({ ...base, token: 'secret', tokenTransport: 'packet' });
    expect(result.url).not.toContain('secret');
    expect(result.protocols.some((entry) => entry.includes('secret'))).toBe(false);
  });

  it('property: bearer iff subprotocol transport with a token; token param iff query transport with a token', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9._-]{0,40}$/);
    fc.assert(
      fc.property(fc.option(token, { nil: undefined }), fc.option(fc.constantFrom('subprotocol', 'query', 'packet') as fc.Arbitrary<'subprotocol' | 'query' | 'packet'>, { nil: undefined }), fc.option(fc.string(), { nil: undefined }), (tok, transport, resumeId) => {
        const context: HandshakeContext = { ...base, ...(tok === undefined ? {} : { token: tok }), ...(transport === undefined ? {} : { tokenTransport: transport }), ...(resumeId === undefined ? {} : { resumeId }) };
        const result = handshake(context);
        const bearer = result.protocols.filter((entry) => entry.startsWith('bearer.'));
        const effective = transport ?? 'subprotocol';
        expect(bearer).toEqual(tok !== undefined && effective === 'subprotocol' ? [`bearer.${tok}`] : []);
        expect(query(result.url).get('token')).toBe(tok !== undefined && effective === 'query' ? tok : null);
        expect(query(result.url).get('resume')).toBe(resumeId ?? null);
        expect(result.headers['Resume-Id']).toBe(resumeId);
      }),
    );
  });

  it('refuses a subprotocol token with characters a subprotocol cannot carry, without echoing it', () => {
    expect(() => handshake({ ...base, token: 'has space', tokenTransport: 'subprotocol' })).toThrow(OptionsError);
    expect(() => handshake({ ...base, token: 'has space', tokenTransport: 'subprotocol' })).toThrow(/auth token must be a subprotocol token/);
    expect(() => handshake({ ...base, token: 'has space', tokenTransport: 'subprotocol' })).not.toThrow(/has space/);
  });

  it('refuses an endpoint that is not a URL', () => {
    expect(() => handshake({ ...base, endpoint: 'not a url' })).toThrow(OptionsError);
  });
});
