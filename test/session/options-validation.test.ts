import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MIN_HEARTBEAT_MS } from '../../src/machine/types.js';
import { OptionsError, createSession, type SessionOptions } from '../../src/node.js';
import { resolveOptions } from '../../src/session/options.js';
import { msgpack } from '../../src/msgpack.js';

const ENDPOINT = 'ws://127.0.0.1:1/ws';

/** The OptionsError that `createSession` throws for these options (they never connect). */
function refusal(options: Record<string, unknown>): OptionsError {
  try {
    createSession({ endpoint: ENDPOINT, ...options } as SessionOptions).close();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return error as OptionsError;
  }
  throw new Error(`accepted ${inspect(options)}`);
}

describe('nested options reject unknown keys like the top level', () => {
  it.each([
    ['timeouts', { timeouts: { connnectMs: 1_000 } }, 'timeouts.connnectMs'],
    ['reconnect', { reconnect: { maxAttempt: 3 } }, 'reconnect.maxAttempt'],
    ['auth', { auth: { license: 'l', scope: 'x' } }, 'auth.scope'],
    ['subprotocols', { subprotocols: { cbor: 'cbor.v1' } }, 'subprotocols.cbor'],
    ['the top level', { endpiont: ENDPOINT }, 'endpiont'],
  ])('%s', (_where, options, key) => {
    const error = refusal(options);
    expect(error.message).toBe(`${key} is not an option`);
    expect(error.code).toBe('options');
  });

  it.each([
    ['timeouts', { timeouts: 5 }],
    ['reconnect', { reconnect: [] }],
    ['auth', { auth: 'token' }],
    ['subprotocols', { subprotocols: null }],
  ])('%s must be an object', (_where, options) => {
    expect(refusal(options).message).toMatch(/must be an object|must be \{ license \}/);
  });
});

describe('auth', () => {
  it.each([
    [{ license: 'l', token: 't' }, /mixes token and license/],
    [{ username: 'u', password: 'p', token: 't' }, /mixes token and username/],
    [{ license: 'l', username: 'u', password: 'p' }, /mixes license and username/],
    [{ license: 'l', transport: 'query' }, /auth.transport is not an option/],
    [{ transport: 'query' }, /auth must be \{ license \}/],
  ])('refuses %o', (auth, message) => {
    expect(refusal({ auth }).message).toMatch(message);
  });

  it('never quotes a secret in its messages', () => {
    for (const auth of [{ license: 'SECRET-LICENSE', token: 'SECRET-TOKEN' }, { username: 'u', password: 'SECRET-PW', license: 'SECRET-LICENSE' }]) {
      expect(refusal({ auth }).message).not.toMatch(/SECRET/);
    }
  });
});

describe('scalar options', () => {
  it.each([
    [{ lazy: 'false' }, /lazy must be a boolean/],
    [{ lazy: 0 }, /lazy must be a boolean/],
    [{ clientName: 42 }, /clientName must be a non-empty string/],
    [{ clientName: '' }, /clientName must be a non-empty string/],
    [{ heartbeatMs: MIN_HEARTBEAT_MS - 1 }, /heartbeatMs must be >= 100/],
    [{ heartbeatMs: 0.5 }, /heartbeatMs must be >= 100/],
    [{ heartbeatMs: Number.NaN }, /heartbeatMs must be >= 100/],
    [{ maxInboundBytes: 0 }, /maxInboundBytes/],
  ])('refuses %o', (options, message) => {
    expect(refusal(options).message).toMatch(message);
  });

  it('accepts the floor itself, and defaults maxInboundBytes to 4 MiB', () => {
    const resolved = resolveOptions({ endpoint: ENDPOINT, heartbeatMs: MIN_HEARTBEAT_MS });
    expect(resolved.heartbeatMs).toBe(100);
    expect(resolved.maxInboundBytes).toBe(4 * 1024 * 1024);
  });
});

describe('subprotocols', () => {
  it('refuses two offered codecs that share a name', () => {
    expect(refusal({ codecs: ['json', msgpack()], subprotocols: { json: 'wire', msgpack: 'wire' } }).message).toMatch(/subprotocols.msgpack must differ from subprotocols.json/);
    expect(refusal({ codecs: ['json', msgpack()], subprotocols: { json: 'msgpack.v1' } }).message).toMatch(/must differ from subprotocols.json/);
  });

  it('refuses a name that starts with bearer., in any case', () => {
    expect(refusal({ subprotocols: { json: 'bearer.json' } }).message).toMatch(/subprotocols.json must not start with bearer\./);
    expect(refusal({ subprotocols: { json: 'Bearer.json' } }).message).toMatch(/subprotocols.json must not start with bearer\./);
  });

  it('accepts a name shared with a codec that is not offered', () => {
    expect(resolveOptions({ endpoint: ENDPOINT, codecs: ['json'], subprotocols: { json: 'msgpack.v1' } }).subprotocolNames.json).toBe('msgpack.v1');
  });
});

describe('URLs in option errors', () => {
  it('never quote credentials or query values', () => {
    const messages = [
      refusal({ endpoint: 'http://user:hunter2@example.com/ws?ticket=SECRET-TICKET' }).message,
      refusal({ endpoint: 'ws://user:hunter2@exa mple.com/ws?token=SECRET-TOKEN' }).message,
      (() => {
        try {
          createSession({ balancer: 'ftp://user:hunter2@example.com/?key=SECRET-KEY' });
        } catch (error) {
          return (error as Error).message;
        }
        return '';
      })(),
    ];
    for (const message of messages) {
      expect(message).not.toMatch(/hunter2|SECRET/);
    }
    expect(messages[0]).toMatch(/^endpoint must be an absolute URL like ws:/);
  });
});
