import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrlIn } from '../../src/transport/redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['wss://user:pw@example.com/ws?version=1&token=abc', 'wss://example.com/ws?version=…&token=…'],
    ['http://127.0.0.1:8080/v1/websocket/server', 'http://127.0.0.1:8080/v1/websocket/server'],
    ['ws://example.com/ws#token=abc', 'ws://example.com/ws#…'],
    ['ws://example.com/ws?ticket=abc#frag', 'ws://example.com/ws?ticket=…#…'],
    ['ws://example.com/ws?s3cr3t&a=&=b&we%20ird=x', 'ws://example.com/ws?…&a=…&…&…'],
    ['ws://example.com/ws?', 'ws://example.com/ws?'],
    ['not a url?token=abc', 'not a url?token=…'],
    ['', ''],
  ])('%s -> %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('never keeps a query value, a fragment or a password', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.stringMatching(/^[a-z0-9]{12}$/), (url, secret) => {
        const parsed = new URL(url);
        parsed.password = secret;
        parsed.username = 'user';
        parsed.searchParams.set('token', secret);
        expect(redactUrl(parsed.href)).not.toContain(secret);
      }),
    );
  });

  it('replaces every occurrence inside a message', () => {
    expect(redactUrlIn('Invalid URL: ws://h/?token=s, again ws://h/?token=s', 'ws://h/?token=s')).toBe('Invalid URL: ws://h/?token=…, again ws://h/?token=…');
  });
});
