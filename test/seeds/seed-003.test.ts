import { describe, expect, it } from 'vitest';
import { OptionsError, RequestTimeoutError, createSession, plainStreams } from '../../src/node.js';
import { eventually, openSession, waitForState } from '../helpers/session-harness.js';
import { startSeed003Server } from './seed-servers.js';

/**
 * Seed 003 (plain market-data streams) against a server that does only what the document says:
 * it never answers SUBSCRIBE or UNSUBSCRIBE and pushes `{stream, data}`. The session uses the
 * dialect's defaults (`plainStreams()`), with short timers where a test needs time to pass.
 */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('seed 003: a server that never answers subscribes', () => {
  it('subscribes once, counts the stream active once sent, delivers, and never times out or retries', async () => {
    const server = await startSeed003Server();
    const session = openSession({ endpoint: server.url, protocol: plainStreams(), lazy: false, requestTimeoutMs: 100 });
    await waitForState(session, 'authorized');
    const values: unknown[] = [];
    const subscription = session.stream('btcusdt@trade').subscribe((value) => values.push(value));
    await eventually(() => server.subscriptions().flat().includes('btcusdt@trade'), 'the subscribe', 2_000);
    await eventually(() => session.streamState('btcusdt@trade') === 'active', 'an active stream', 2_000);
    server.publish('btcusdt@trade', { p: '1.0' });
    await eventually(() => values.length === 1, 'delivery', 2_000);
    // Several request timeouts pass: before, each one re-sent SUBSCRIBE and reported a RequestTimeoutError.
    await pause(450);
    expect(server.received.filter((packet) => (packet as { method?: string }).method === 'SUBSCRIBE')).toHaveLength(1);
    expect(session.reportedErrors.filter((error) => error instanceof RequestTimeoutError)).toEqual([]);
    expect(session.streamState('btcusdt@trade')).toBe('active');
    expect(server.received[0]).toEqual({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: expect.any(Number) });
    subscription.unsubscribe();
    await eventually(() => server.subscriptions().flat().length === 0, 'the unsubscribe', 2_000);
    await pause(250);
    expect(server.received.filter((packet) => (packet as { method?: string }).method === 'UNSUBSCRIBE')).toHaveLength(1);
    expect(session.streamState('btcusdt@trade')).toBe('inactive');
  });

  it('subscribes every observed stream again, once, on a new connection', async () => {
    const server = await startSeed003Server();
    const session = openSession({ endpoint: server.url, protocol: plainStreams(), lazy: false, requestTimeoutMs: 100 });
    const values: unknown[] = [];
    session.stream('a@trade').subscribe((value) => values.push(value));
    await eventually(() => server.subscriptions().flat().includes('a@trade'), 'the first subscribe', 2_000);
    for (const socket of server.sockets) socket.terminate();
    await eventually(() => server.handshakes.length === 2 && server.subscriptions().flat().includes('a@trade'), 'the re-subscribe', 3_000);
    server.publish('a@trade', 1);
    await eventually(() => values.length === 1, 'delivery on the new connection', 2_000);
    await pause(300);
    expect(server.received.filter((packet) => (packet as { method?: string }).method === 'SUBSCRIBE')).toHaveLength(2);
  });
});

describe('seed 003: liveness', () => {
  it('keeps a quiet connection: in Node a ping frame after each quiet heartbeat, and the pong proves it alive', async () => {
    const server = await startSeed003Server();
    const session = openSession({ endpoint: server.url, protocol: plainStreams(), lazy: false, heartbeatMs: 100 });
    await waitForState(session, 'authorized');
    let pings = 0;
    for (const socket of server.sockets) socket.on('ping', () => pings++);
    // Eight heartbeats without a single message: silence alone would have dropped it after two.
    await pause(800);
    expect(pings).toBeGreaterThan(2);
    expect(server.handshakes).toHaveLength(1);
    expect(session.states.at(-1)?.value).toBe('authorized');
  });

  it('drops a connection whose server stopped answering pings', async () => {
    const server = await startSeed003Server();
    const session = openSession({ endpoint: server.url, protocol: plainStreams(), lazy: false, heartbeatMs: 100 });
    await waitForState(session, 'authorized');
    // Half-open: the server reads nothing more, so neither pongs nor anything else come back.
    for (const socket of server.sockets) (socket as unknown as { _socket: { pause(): void } })._socket.pause();
    await eventually(() => server.handshakes.length >= 2, 'a new connection', 3_000);
  });

  it('has a 3-minute heartbeat of its own, not the session default of 30 s', () => {
    expect(plainStreams().defaultHeartbeatMs).toBe(180_000);
  });
});

describe('seed 003: auth', () => {
  it('refuses `auth` at creation: the dialect has no authentication to send it in', () => {
    expect(() => createSession({ endpoint: 'ws://127.0.0.1:1/ws', protocol: plainStreams(), auth: { token: 't' } })).toThrow(OptionsError);
    expect(() => createSession({ endpoint: 'ws://127.0.0.1:1/ws', protocol: plainStreams(), auth: { token: 't' } })).toThrow(/auth must not be given to the plain-streams protocol/);
  });
});
