import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { msgpack } from '../../src/msgpack.js';
import { ConnectionClosedError, RequestTimeoutError, ServerError, plainStreams, type SessionOptions } from '../../src/node.js';
import { MethodError, type TestServer, type TestServerOptions } from '../../src/testing/index.js';
import { eventually, openSession, startServer, waitForNextState, waitForState } from '../helpers/session-harness.js';

/**
 * The plain-streams protocol end to end through the public API, against the test server's
 * plain-streams dialect. What both protocols share (ref counting, batching, routing, gaps) also runs
 * in test/streams-integration for every fixture; these are the things only this dialect does.
 */

function startPlain(options: TestServerOptions = {}): Promise<TestServer> {
  return startServer({ dialect: 'plain-streams', ...options });
}

function openPlain(server: TestServer, options: Partial<SessionOptions> = {}) {
  return openSession({ endpoint: server.endpointUrl, protocol: plainStreams(), lazy: false, ...options } as SessionOptions);
}

function topStates(session: { states: readonly { value: string }[] }): string[] {
  return session.states.map((snapshot) => snapshot.value).filter((value, index, all) => index === 0 || all[index - 1] !== value);
}

const subscribes = (server: TestServer) => server.packets((packet) => packet.method === 'SUBSCRIBE');

describe('plain-streams session: connecting', () => {
  it('goes from connecting straight to authorized: no initialize, no authorize, JSON without subprotocols', async () => {
    const server = await startPlain();
    const session = openPlain(server, { codecs: [msgpack(), 'json'] });
    const ready = await waitForState(session, 'authorized');
    expect(topStates(session)).toEqual(['connecting', 'authorized']);
    expect(ready.codec).toBe('json');
    expect(ready.sessionId).toBeUndefined();
    expect(ready.resumed).toBe(false);
    expect(server.handshakes()[0]).toMatchObject({ protocols: [], query: {} });
    expect(await session.request('ECHO', { a: 1 })).toEqual({ a: 1 });
    expect(server.packets().map((packet) => packet.method)).toEqual(['ECHO']);
  });

  it('sends the query option with every connection', async () => {
    const server = await startPlain();
    const session = openPlain(server, { protocol: plainStreams({ query: { listenKey: 'k-1' } }) });
    await waitForState(session, 'authorized');
    expect(server.handshakes()[0]?.query).toEqual({ listenKey: 'k-1' });
  });
});

describe('plain-streams session: streams', () => {
  it('subscribes ten observers of a name with one SUBSCRIBE and routes {stream, data} to them', async () => {
    const server = await startPlain();
    const session = openPlain(server);
    const seen: unknown[][] = Array.from({ length: 10 }, () => []);
    const subscriptions = seen.map((values) => session.stream('btcusdt@trade').subscribe((value) => values.push(value)));
    const other: unknown[] = [];
    session.stream('ethusdt@trade').subscribe((value) => other.push(value));
    await eventually(() => server.subscribedStreams().length === 2, 'both streams subscribed', 2_000);
    expect(subscribes(server)).toHaveLength(1);
    expect(subscribes(server)[0]?.packet).toEqual({ method: 'SUBSCRIBE', params: ['btcusdt@trade', 'ethusdt@trade'], id: expect.any(Number) });

    server.publish('btcusdt@trade', { p: 1 });
    server.publish('ethusdt@trade', { p: 2 });
    await eventually(() => other.length === 1 && seen.every((values) => values.length === 1), 'delivery', 2_000);
    expect(seen.every((values) => (values[0] as { p: number }).p === 1)).toBe(true);
    expect(other).toEqual([{ p: 2 }]);

    for (const subscription of subscriptions) subscription.unsubscribe();
    await eventually(() => server.subscribedStreams().length === 1, 'the unsubscribe', 2_000);
    expect(server.packets((packet) => packet.method === 'UNSUBSCRIBE').map((packet) => packet.packet)).toEqual([
      { method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: expect.any(Number) },
    ]);
  });
});

describe('plain-streams session: reconnecting', () => {
  it('after a drop starts a fresh connection, re-subscribes every observed stream in one batch and signals the gap', async () => {
    const server = await startPlain();
    const session = openPlain(server);
    const names = Array.from({ length: 30 }, (_, index) => `s${index}@trade`);
    const received: string[] = [];
    for (const name of names) session.stream(name).subscribe(() => received.push(name));
    await eventually(() => server.subscribedStreams().length === 30, 'the first subscribe', 2_000);
    const gap = firstValueFrom(session.gaps$);
    server.clearRecords();

    server.faults.dropConnection();
    await waitForNextState(session, 'authorized');
    expect(await gap).toEqual(names);
    await eventually(() => server.subscribedStreams().length === 30, 'the re-subscribe', 2_000);
    const again = subscribes(server);
    expect(again).toHaveLength(1);
    expect((again[0]?.packet as { params: string[] }).params).toEqual(names);
    expect(server.handshakes()).toHaveLength(1);
    expect(server.stats().sessionsResumed).toBe(0);

    server.publish('s7@trade', 1);
    await eventually(() => received.includes('s7@trade'), 'a message on the new connection', 2_000);
  });

  it('reconnects at once after a server restart (1012)', async () => {
    const server = await startPlain();
    const session = openPlain(server);
    session.stream('a@trade').subscribe();
    await eventually(() => server.subscribedStreams().length === 1, 'the subscribe', 2_000);
    const gap = firstValueFrom(session.gaps$);
    await server.faults.restart();
    await waitForNextState(session, 'authorized');
    expect(await gap).toEqual(['a@trade']);
    expect(session.states.map((snapshot) => snapshot.value)).not.toContain('reconnecting');
    expect(session.states.at(-1)?.lastClose?.code).toBe(1012);
  });

  it('keeps going after a 4xxx close (the dialect has no fatal session codes) but stops on 1002', async () => {
    const server = await startPlain();
    const session = openPlain(server);
    await waitForState(session, 'authorized');
    server.faults.closeConnection('all', 4000, 'taken over?');
    await waitForNextState(session, 'authorized');

    server.faults.closeConnection('all', 1002, 'protocol error');
    const closed = await session.closed;
    expect(closed.code).toBe(1002);
    expect(closed.error).toBeInstanceOf(ConnectionClosedError);
  });

  it('notices a silent connection by inbound silence alone and reconnects, without any ping request', async () => {
    const server = await startPlain({ pingFrames: false });
    const session = openPlain(server, { heartbeatMs: 100 });
    session.stream('a@trade').subscribe();
    await eventually(() => server.subscribedStreams().length === 1, 'the subscribe', 2_000);
    const gap = firstValueFrom(session.gaps$);
    server.faults.goSilent();
    await waitForNextState(session, 'authorized', 3_000);
    expect(await gap).toEqual(['a@trade']);
    expect(server.packets((packet) => packet.method !== 'SUBSCRIBE')).toEqual([]);
    expect(session.states.some((snapshot) => snapshot.lastClose?.code === 1006)).toBe(true);
  });

  it('stays connected while messages keep arriving, however long', async () => {
    const server = await startPlain({ pingFrames: false });
    const session = openPlain(server, { heartbeatMs: 100 });
    session.stream('a@trade').subscribe();
    await eventually(() => server.subscribedStreams().length === 1, 'the subscribe', 2_000);
    // 450 ms of traffic: more than four heartbeats (100 ms, the shortest allowed).
    for (let tick = 0; tick < 30; tick++) {
      server.publish('a@trade', tick);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(server.stats().connectionsOpened).toBe(1);
    expect(session.states.at(-1)?.value).toBe('authorized');
  });
});

describe('plain-streams session: requests', () => {
  it('rejects with a RequestTimeoutError when the server never answers', async () => {
    const server = await startPlain();
    const session = openPlain(server);
    await expect(session.request('LIST_SUBSCRIPTIONS', undefined, { timeoutMs: 50 })).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(server.packets()[0]?.packet).toEqual({ method: 'LIST_SUBSCRIPTIONS', id: expect.any(Number) });
    expect(server.stats().packetsIgnored).toBe(1);
    expect(session.states.at(-1)?.value).toBe('authorized');
  });

  it('with acknowledgedSubscribes, retries a subscribe the server ignored once its timeout passes', async () => {
    const server = await startPlain();
    const session = openPlain(server, { requestTimeoutMs: 60, protocol: plainStreams({ acknowledgedSubscribes: true }) });
    await waitForState(session, 'authorized');
    server.faults.ignoreRequests({ methods: ['SUBSCRIBE'], times: 1 });
    const values: unknown[] = [];
    session.stream('a@trade').subscribe((value) => values.push(value));
    await eventually(() => server.subscribedStreams().length === 1, 'the retried subscribe', 2_000);
    expect(subscribes(server)).toHaveLength(2);
    server.publish('a@trade', 'late but there');
    await eventually(() => values.length === 1, 'delivery', 2_000);
  });

  it('rejects with a ServerError when the server answers with an error', async () => {
    const server = await startPlain({ methods: { ORDER: () => { throw new MethodError(409, 'duplicate order'); } } });
    const session = openPlain(server);
    const error = await session.request('ORDER', { id: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ serverCode: 409 });
  });

  it('delivers server events', async () => {
    const server = await startPlain();
    const session = openPlain(server);
    await waitForState(session, 'authorized');
    const event = firstValueFrom(session.events$);
    server.sendEvent('notice', { text: 'maintenance' });
    expect(await event).toEqual({ event: 'notice', data: { text: 'maintenance' } });
  });
});
