import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from '../../src/machine/backoff.js';
import { MIN_HEARTBEAT_MS } from '../../src/machine/types.js';
import { referenceProtocol } from '../../src/protocol/reference/index.js';
import { OptionsError, createSession } from '../../src/node.js';
import { resolveOptions } from '../../src/session/options.js';
import { msgpack } from '../../src/msgpack.js';
import { refusal, UNUSED_ENDPOINT } from '../helpers/option-refusal.js';

const ENDPOINT = UNUSED_ENDPOINT;

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
    [{ heartbeatMs: MIN_HEARTBEAT_MS - 1 }, /heartbeatMs must be a number of at least 100 ms/],
    [{ heartbeatMs: 0.5 }, /heartbeatMs must be a number of at least 100 ms/],
    [{ heartbeatMs: Number.NaN }, /heartbeatMs must be a number of at least 100 ms/],
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

describe('reconnect', () => {
  it('fills in the defaults', () => {
    expect(resolveOptions({ endpoint: ENDPOINT }).backoff).toEqual(DEFAULT_BACKOFF);
    expect(resolveOptions({ endpoint: ENDPOINT, reconnect: {} }).backoff).toEqual(DEFAULT_BACKOFF);
    expect(resolveOptions({ endpoint: ENDPOINT, reconnect: { maxAttempts: 10, initialDelayMs: 0 } }).backoff).toEqual({ ...DEFAULT_BACKOFF, maxAttempts: 10, initialDelayMs: 0 });
    expect(resolveOptions({ endpoint: ENDPOINT, reconnect: { maxAttempts: Infinity } }).backoff.maxAttempts).toBe(Infinity);
  });

  it.each([
    [{ initialDelayMs: -1 }, 'reconnect.initialDelayMs'],
    [{ initialDelayMs: NaN }, 'reconnect.initialDelayMs'],
    [{ initialDelayMs: '250' }, 'reconnect.initialDelayMs'],
    [{ maxDelayMs: Infinity }, 'reconnect.maxDelayMs'],
    [{ maxDelayMs: -3 }, 'reconnect.maxDelayMs'],
    [{ maxDelayMs: 100 }, 'must not exceed'],
    [{ initialDelayMs: 5000, maxDelayMs: 1000 }, 'must not exceed'],
    [{ multiplier: 0.5 }, 'reconnect.multiplier'],
    [{ multiplier: NaN }, 'reconnect.multiplier'],
    [{ longDelayFactor: 0 }, 'reconnect.longDelayFactor'],
    [{ maxAttempts: -1 }, 'reconnect.maxAttempts'],
    [{ maxAttempts: 1.5 }, 'reconnect.maxAttempts'],
    [{ maxAttempts: NaN }, 'reconnect.maxAttempts'],
    [{ maxAttempts: -Infinity }, 'reconnect.maxAttempts'],
    [{ initialDelay: 100 }, 'reconnect.initialDelay is not an option'],
    [null, 'reconnect must be an object'],
    [5, 'reconnect must be an object'],
  ])('refuses %j with a message about %s', (reconnect, message) => {
    expect(refusal({ reconnect }).message).toContain(message);
  });
});

describe('number options', () => {
  it.each([
    [{ maxQueuedRequests: 0 }, 'maxQueuedRequests must be an integer of at least 1'],
    [{ maxQueuedRequests: 1.5 }, 'maxQueuedRequests must be an integer of at least 1'],
    [{ maxStreamsPerPacket: 0 }, 'maxStreamsPerPacket must be an integer of at least 1'],
    [{ maxStreamsPerPacket: 2.5 }, 'maxStreamsPerPacket must be an integer of at least 1'],
    [{ unsubscribeLingerMs: -1 }, 'unsubscribeLingerMs must be a non-negative number of milliseconds'],
    [{ requestTimeoutMs: 0 }, 'requestTimeoutMs must be a positive number of milliseconds or Infinity'],
    [{ requestTimeoutMs: NaN }, 'requestTimeoutMs must be a positive number'],
    [{ timeouts: { connectMs: -5 } }, 'timeouts.connectMs must be a positive number'],
    [{ timeouts: { balancerMs: 0 } }, 'timeouts.balancerMs must be a positive number'],
    [{ maxMessageBytes: '1024' }, 'maxMessageBytes must be a positive number or Infinity'],
    [{ maxFrameBytes: 0 }, 'maxFrameBytes must be a positive number'],
  ])('refuses %o', (options, message) => {
    expect(refusal(options).message).toContain(message);
  });

  it('accepts Infinity where it means "never" and clamps timer delays to what setTimeout holds', () => {
    const resolved = resolveOptions({ endpoint: ENDPOINT, requestTimeoutMs: Infinity, unsubscribeLingerMs: Infinity, timeouts: { connectMs: Infinity } });
    expect(resolved.requestTimeoutMs).toBe(Infinity);
    expect(resolved.unsubscribeLingerMs).toBe(2 ** 31 - 1);
    expect(resolved.timeouts.connectMs).toBe(2 ** 31 - 1);
  });

  it('refuses a per-call timeoutMs that is not positive, without connecting', async () => {
    const session = createSession({ endpoint: ENDPOINT });
    for (const timeoutMs of [-1, 0, NaN]) {
      await expect(session.request('ECHO', 1, { timeoutMs })).rejects.toThrow(/timeoutMs must be a positive number/);
    }
    await expect(session.request('ECHO', 1, { timeoutMs: 'soon' as unknown as number })).rejects.toBeInstanceOf(OptionsError);
    expect(session.actor.getSnapshot().value).toBe('idle');
    await session.close();
  });

  it('leaves out what was left out', () => {
    const resolved = resolveOptions({ endpoint: ENDPOINT, protocol: { ...referenceProtocol(), defaultHeartbeatMs: undefined } });
    for (const key of ['balancerUrl', 'heartbeatMs', 'maxFrameBytes', 'WebSocket', 'fetch', 'inspect', 'logger']) expect(key in resolved).toBe(false);
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
    expect(messages[0]).toBe('endpoint must be a ws(s) URL');
  });
});
