import { describe, expect, it } from 'vitest';
import {
  ConnectionLostError,
  OptionsError,
  OversizeMessageError,
  QueueFullError,
  RequestAbortedError,
  RequestTimeoutError,
  ServerError,
  SessionClosedError,
  createSession,
} from '../../src/node.js';
import { json, msgpack } from '../../src/codecs/index.js';
import { openSession, startServer, waitForState } from '../helpers/session-harness.js';

describe('request()', () => {
  it('correlates concurrent requests by id', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => session.request('ECHO', { index })));
    expect(answers).toEqual(Array.from({ length: 50 }, (_, index) => ({ index })));
  });

  it('rejects with a ServerError for an unknown method', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    const error = await session.request('NOPE').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).serverCode).toBe(-32601);
  });

  it('rejects with a RequestTimeoutError when the server never answers', async () => {
    const server = await startServer({ methods: { NEVER: () => new Promise(() => undefined) } });
    const session = openSession({ endpoint: server.endpointUrl });
    await expect(session.request('NEVER', undefined, { timeoutMs: 50 })).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  it('times out a request made right after an answered one at its own deadline, over msgpack too', async () => {
    const server = await startServer({ methods: { NEVER: () => new Promise(() => undefined) } });
    for (const codec of [json(), msgpack()]) {
      const session = openSession({ endpoint: server.endpointUrl, codecs: [codec] });
      // One after another, as a bot's loop makes them: each answer comes back whole (a pooled
      // MessagePack frame is the request's own bytes) and the deadline timer is kept between them.
      for (let index = 0; index < 20; index++) expect(await session.request('ECHO', { index, pad: 'x'.repeat(index * 300) })).toEqual({ index, pad: 'x'.repeat(index * 300) });
      const started = performance.now();
      const error = await session.request('NEVER', undefined, { timeoutMs: 150 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RequestTimeoutError);
      // Not earlier than its own deadline (the kept timer was armed for the last answered request's).
      expect(performance.now() - started).toBeGreaterThanOrEqual(149);
      await session.close();
    }
  });

  it('rejects with a RequestAbortedError when aborted', async () => {
    const server = await startServer({ methods: { NEVER: () => new Promise(() => undefined) } });
    const session = openSession({ endpoint: server.endpointUrl });
    const controller = new AbortController();
    const pending = session.request('NEVER', undefined, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(RequestAbortedError);
  });

  it('rejects pending and later requests with a SessionClosedError after close()', async () => {
    const server = await startServer({ methods: { NEVER: () => new Promise(() => undefined) } });
    const session = openSession({ endpoint: server.endpointUrl });
    const pending = session.request('NEVER').catch((error: unknown) => error);
    await waitForState(session, 'authorized');
    await session.close();
    expect(await pending).toBeInstanceOf(SessionClosedError);
    await expect(session.request('ECHO', 1)).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('queues requests made before the session is authorized and sends them once it is', async () => {
    const server = await startServer({ auth: { licenses: ['L'] } });
    server.faults.delayInitialize(100, 1);
    const session = openSession({ endpoint: server.endpointUrl, auth: { license: 'L' } });
    const answer = session.request('ECHO', 'queued');
    await expect(answer).resolves.toBe('queued');
    const methods = server.packets().map((packet) => packet.method);
    expect(methods.indexOf('ECHO')).toBeGreaterThan(methods.indexOf('AUTHORIZE'));
  });

  it('refuses requests beyond the queue bound with a QueueFullError', async () => {
    const server = await startServer();
    server.faults.delayHandshake(200, 1);
    const session = openSession({ endpoint: server.endpointUrl, maxQueuedRequests: 2 });
    const first = session.request('ECHO', 1);
    const second = session.request('ECHO', 2);
    await expect(session.request('ECHO', 3)).rejects.toBeInstanceOf(QueueFullError);
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
  });

  it('refuses an oversized message locally and keeps the session up', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, maxMessageBytes: 1024, codecs: ['json'] });
    await expect(session.request('ECHO', 'x'.repeat(2048))).rejects.toBeInstanceOf(OversizeMessageError);
    await expect(session.request('ECHO', 'small')).resolves.toBe('small');
    expect(session.actor.getSnapshot().value).toMatchObject({ connection: { authorized: expect.anything() } });
    expect(server.handshakes()).toHaveLength(1);
  });

  it('on a drop, fails a non-idempotent request with ConnectionLostError and re-sends an idempotent one', async () => {
    let calls = 0;
    const server = await startServer({
      methods: {
        SLOW: (params) =>
          new Promise((resolve) => {
            calls++;
            setTimeout(() => resolve(params), 150);
          }),
      },
    });
    const session = openSession({ endpoint: server.endpointUrl });
    await session.request('ECHO', 'warm-up');
    const plain = session.request('SLOW', 'plain');
    const idempotent = session.request('SLOW', 'again', { idempotent: true });
    await new Promise((resolve) => setTimeout(resolve, 30));
    server.faults.dropConnection();
    await expect(plain).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(idempotent).resolves.toBe('again');
    expect(calls).toBe(3);
  });
});

describe('options', () => {
  it('need a balancer or an endpoint, not both', () => {
    expect(() => createSession({})).toThrow(OptionsError);
    expect(() => createSession({})).toThrow(/balancer or endpoint is required/);
    expect(() => createSession({ balancer: 'http://a', endpoint: 'ws://b' })).toThrow(/not both/);
  });

  it('reject a wrong option with a message that names it', () => {
    expect(() => createSession({ endpoint: 'http://not-ws' })).toThrow(/endpoint/);
    expect(() => createSession({ endpoint: 'ws://a', codecs: ['yaml' as never] })).toThrow(/codecs/);
    expect(() => createSession({ endpoint: 'ws://a', reconnect: { initialDelayMs: -1 } })).toThrow(OptionsError);
    expect(() => createSession({ endpoint: 'ws://a', closeCodes: { 1008: 'explode' as never } })).toThrow(OptionsError);
    expect(() => createSession({ endpoint: 'ws://a', auth: { token: '' } })).toThrow(/auth.token/);
    expect(() => createSession({ endpoint: 'ws://a', typo: 1 } as never)).toThrow(/typo is not an option/);
    expect(() => createSession({ endpoint: 'ws://a', maxQueuedRequests: 1.5 })).toThrow(/maxQueuedRequests must be an integer of at least 1/);
    expect(() => createSession({ endpoint: 'ws://a', maxQueuedRequests: 0 })).toThrow(/maxQueuedRequests must be/);
  });
});
