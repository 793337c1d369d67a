import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { parseCliConfig } from '../../src/testing/cli-options.js';
import { MethodError, createTestServer } from '../../src/testing/index.js';
import type { TestServerOptions } from '../../src/testing/index.js';
import { RawClient, sleep } from './raw-client.js';
import type { RawConnectOptions } from './raw-client.js';
import { start } from './server-fixture.js';

/** A plain-streams server (seed 003). */
function startPlain(options: TestServerOptions = {}) {
  return start({ dialect: 'plain-streams', ...options });
}

/** Connects the way a seed-003 client does: no version, no subprotocol, nothing to initialize. */
function connect(server: { endpointUrl: string }, options: RawConnectOptions = {}): Promise<RawClient> {
  return RawClient.connect(server, { version: null, ...options });
}

describe('plain-streams dialect: connecting', () => {
  it('accepts a bare handshake and is ready at once: no version, no subprotocol, no resume headers', async () => {
    const s = await startPlain();
    const client = await connect(s);
    expect(client.ws.protocol).toBe('');
    expect(client.responseHeaders['resume-id']).toBeUndefined();
    expect(client.responseHeaders['connection-id']).toBeUndefined();
    expect(s.connections()).toEqual([expect.objectContaining({ phase: 'ready', codec: 'json' })]);
    const [session] = s.sessions();
    expect(session).toMatchObject({ connected: true, authorized: true, subscriptions: [], client: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expect(await client.call('SUBSCRIBE', ['a@trade'])).toBeNull();
  });

  it('ignores a version parameter, a token and a Resume-Id instead of checking them', async () => {
    const s = await startPlain({ auth: { tokens: ['good'] } });
    const client = await connect(s, { version: '99', query: { token: 'bad', resume: 'r-1' }, headers: { 'Resume-Id': 'r-2' } });
    expect(await client.call('SUBSCRIBE', ['a@trade'])).toBeNull();
    expect(s.handshakes()[0]?.outcome).toBe('accepted');
    expect(s.stats().sessionsResumed).toBe(0);
  });

  it('has no init timeout: a connection that never sends anything stays open', async () => {
    const s = await startPlain({ initTimeoutMs: 20 });
    const client = await connect(s);
    await sleep(80);
    expect(s.connections()).toHaveLength(1);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('still negotiates a codec when a client offers one', async () => {
    const s = await startPlain();
    const client = await connect(s, { protocols: ['msgpack.v1'] });
    expect(client.format).toBe('msgpack');
    expect(await client.call('SUBSCRIBE', ['a@trade'])).toBeNull();
    s.publish('a@trade', { p: 1 });
    expect(await client.waitForStreamMessages(1)).toEqual([{ stream: 'a@trade', data: { p: 1 } }]);
  });

  it('gives every connection its own session and forgets it, with its subscriptions, when the connection closes', async () => {
    const s = await startPlain();
    const first = await connect(s);
    const second = await connect(s);
    await first.call('SUBSCRIBE', ['a@trade']);
    await second.call('SUBSCRIBE', ['b@trade']);
    expect(s.sessions()).toHaveLength(2);
    const gone = s.waitFor('disconnect');
    first.close();
    await gone;
    expect(s.sessions().map((session) => session.subscriptions)).toEqual([['b@trade']]);
    expect(s.subscribedStreams()).toEqual(['b@trade']);
    expect(s.publish('a@trade', 1)).toBe(0);
  });
});

describe('plain-streams dialect: SUBSCRIBE, UNSUBSCRIBE and stream messages', () => {
  it('answers {id, result: null} and pushes exactly {"stream","data"} without seq', async () => {
    const s = await startPlain();
    const client = await connect(s);
    client.send({ method: 'SUBSCRIBE', params: ['btcusdt@trade', 'ethusdt@depth'], id: 1 });
    expect(await client.waitFor((packet) => packet['id'] === 1)).toEqual({ id: 1, result: null });
    s.publish('btcusdt@trade', { p: '1.5' });
    s.publish('ethusdt@depth', { b: [] });
    const frames = await client.waitForFrames(3);
    expect(frames.slice(1).map((frame) => frame.raw.toString('utf8'))).toEqual([
      '{"stream":"btcusdt@trade","data":{"p":"1.5"}}',
      '{"stream":"ethusdt@depth","data":{"b":[]}}',
    ]);
    expect(s.sessions()[0]?.subscriptions).toEqual(['btcusdt@trade', 'ethusdt@depth']);
  });

  it('sends undefined data through the codec, leaving data out', async () => {
    const s = await startPlain();
    const client = await connect(s);
    await client.call('SUBSCRIBE', ['a@trade']);
    s.publish('a@trade', undefined);
    expect(await client.waitForStreamMessages(1)).toEqual([{ stream: 'a@trade' }]);
  });

  it('stops pushing after UNSUBSCRIBE, and accepts any name and an empty list', async () => {
    const s = await startPlain();
    const client = await connect(s);
    expect(await client.call('SUBSCRIBE', ['whatever goes', 'a@trade'])).toBeNull();
    expect(await client.call('SUBSCRIBE', [])).toBeNull();
    expect(await client.call('UNSUBSCRIBE', ['a@trade', 'never-subscribed'])).toBeNull();
    expect(s.publish('a@trade', 1)).toBe(0);
    expect(s.publish('whatever goes', 2)).toBe(1);
    expect(await client.waitForStreamMessages(1)).toEqual([{ stream: 'whatever goes', data: 2 }]);
  });

  it('does not double messages for a stream subscribed twice', async () => {
    const s = await startPlain();
    const client = await connect(s);
    await client.call('SUBSCRIBE', ['a@trade']);
    await client.call('SUBSCRIBE', ['a@trade']);
    s.publish('a@trade', 1);
    s.publish('a@trade', 2);
    await client.call('SUBSCRIBE', ['b@trade']);
    expect(client.streamMessages.map((message) => message.data)).toEqual([1, 2]);
  });
});

describe('plain-streams dialect: what it silently ignores', () => {
  const ignored: ReadonlyArray<readonly [string, (client: RawClient) => void]> = [
    ['text that is not JSON', (client) => client.ws.send('}{ not json')],
    ['a binary frame on a JSON connection', (client) => client.ws.send(Buffer.from([1, 2, 3]))],
    ['a JSON value that is not an object', (client) => client.ws.send('[1,2]')],
    ['a request without id', (client) => client.send({ method: 'SUBSCRIBE', params: ['a@trade'] })],
    ['a request with a string id', (client) => client.send({ method: 'SUBSCRIBE', params: ['a@trade'], id: '7' })],
    ['a request without method', (client) => client.send({ params: ['a@trade'], id: 7 })],
    ['SUBSCRIBE with params that are not an array', (client) => client.send({ method: 'SUBSCRIBE', params: 'a@trade', id: 7 })],
    ['SUBSCRIBE with a name that is not a string', (client) => client.send({ method: 'SUBSCRIBE', params: ['a@trade', 5], id: 7 })],
    ['an unknown method', (client) => client.send({ method: 'LIST_SUBSCRIPTIONS', id: 7 })],
    ['a reference-dialect INITIALIZE', (client) => client.send({ method: 'INITIALIZE', params: { client: 'x/1' }, id: 7 })],
    ['a reference-dialect PING', (client) => client.send({ method: 'PING', id: 7 })],
  ];

  it.each(ignored)('%s: no answer, no subscription, the connection stays open', async (_what, sendIt) => {
    const s = await startPlain();
    const client = await connect(s);
    sendIt(client);
    // Answers go out in the order requests arrive: had the first one been answered, it would come first.
    expect(await client.call('SUBSCRIBE', ['b@trade'])).toBeNull();
    expect(client.frames).toHaveLength(1);
    expect(s.sessions()[0]?.subscriptions).toEqual(['b@trade']);
    expect(s.stats().packetsIgnored).toBe(1);
    expect(s.disconnects()).toEqual([]);
  });

  it('records the decodable ones for inspection', async () => {
    const s = await startPlain();
    const client = await connect(s);
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 3 });
    await client.call('SUBSCRIBE', ['a@trade']);
    expect(s.packets().map((packet) => packet.method)).toEqual(['LIST_SUBSCRIPTIONS', 'SUBSCRIBE']);
    expect(s.packets()[0]).toMatchObject({ id: 3, sessionId: s.sessions()[0]?.sessionId });
  });
});

describe('plain-streams dialect: application methods', () => {
  it('answers ECHO and custom methods, with an error object when a handler throws one', async () => {
    const s = await startPlain({
      methods: {
        TIME: () => 42,
        ORDER: () => {
          throw new MethodError(409, 'duplicate order', { orderId: 7 });
        },
      },
    });
    const client = await connect(s);
    expect(await client.call('ECHO', { a: 1 })).toEqual({ a: 1 });
    expect(await client.call('TIME')).toBe(42);
    expect(await client.request('ORDER', {})).toMatchObject({ error: { code: 409, message: 'duplicate order', data: { orderId: 7 } } });
  });
});

describe('ignoreRequests fault', () => {
  it('swallows the next requests of the named methods only, recording them', async () => {
    const s = await startPlain();
    const client = await connect(s);
    s.faults.ignoreRequests({ methods: ['SUBSCRIBE'], times: 1 });
    client.send({ method: 'SUBSCRIBE', params: ['a@trade'], id: 100 });
    expect(await client.call('ECHO', 'first')).toBe('first');
    expect(await client.call('SUBSCRIBE', ['b@trade'])).toBeNull();
    expect(client.packets.some((packet) => packet['id'] === 100)).toBe(false);
    expect(s.sessions()[0]?.subscriptions).toEqual(['b@trade']);
    expect(s.packets((packet) => packet.method === 'SUBSCRIBE')).toHaveLength(2);
    expect(s.stats().packetsIgnored).toBe(1);
  });

  it('swallows every request until restored when no count is given, in the reference dialect too', async () => {
    const s = await start();
    const client = await RawClient.connect(s);
    await client.initialize();
    s.faults.ignoreRequests();
    client.send({ id: 50, method: 'ECHO', params: 1 });
    client.send({ id: 51, method: 'PING' });
    await sleep(30);
    s.faults.restore();
    expect(await client.call('ECHO', 2)).toBe(2);
    expect(client.packets.filter((packet) => packet['id'] === 50 || packet['id'] === 51)).toEqual([]);
    expect(s.stats().packetsIgnored).toBe(2);
  });
});

describe('plain-streams dialect: keepalive, limits and faults', () => {
  it('sends ping frames and closes with 1008 a connection that misses a pong', async () => {
    const s = await startPlain({ heartbeatMs: 30 });
    const answering = await connect(s);
    const silent = await connect(s, { autoPong: false });
    expect(await silent.waitForClose()).toEqual({ code: 1008, reason: 'missed pong' });
    expect(answering.pings.length).toBeGreaterThanOrEqual(1);
    expect(await answering.call('SUBSCRIBE', ['a@trade'])).toBeNull();
  });

  it('closes an idle connection with 1001', async () => {
    const s = await startPlain({ idleTimeoutMs: 50, pingFrames: false });
    const client = await connect(s);
    expect(await client.waitForClose()).toEqual({ code: 1001, reason: 'idle timeout' });
  });

  it('drops connections without a close frame and forgets their sessions', async () => {
    const s = await startPlain();
    const client = await connect(s);
    await client.call('SUBSCRIBE', ['a@trade']);
    const forgotten = s.waitFor('session', (event) => event.type === 'expired');
    expect(s.faults.dropConnection()).toBe(1);
    expect((await client.waitForClose()).code).toBe(1006);
    await forgotten;
    expect(s.sessions()).toEqual([]);
    expect(s.subscribedStreams()).toEqual([]);
  });

  it('closes with any code, restarts with 1012, refuses connections and goes silent', async () => {
    const s = await startPlain();
    const first = await connect(s);
    s.faults.closeConnection('all', 4005, 'custom');
    expect(await first.waitForClose()).toEqual({ code: 4005, reason: 'custom' });

    const second = await connect(s);
    await s.faults.restart();
    expect((await second.waitForClose()).code).toBe(1012);

    s.faults.refuseConnections({ times: 1, mode: 'http-503' });
    await expect(connect(s)).rejects.toMatchObject({ status: 503 });

    const third = await connect(s);
    await third.call('SUBSCRIBE', ['a@trade']);
    expect(s.faults.goSilent()).toBe(1);
    s.publish('a@trade', 1);
    third.send({ method: 'SUBSCRIBE', params: ['b@trade'], id: 99 });
    await sleep(30);
    expect(third.streamMessages).toEqual([]);
    expect(third.packets.some((packet) => packet['id'] === 99)).toBe(false);
  });

  it('sends server events to ready connections', async () => {
    const s = await startPlain();
    const client = await connect(s);
    expect(s.sendEvent('notice', { text: 'hi' })).toBe(1);
    expect(await client.waitFor((packet) => packet['event'] === 'notice')).toEqual({ event: 'notice', data: { text: 'hi' } });
  });
});

describe('dialect option', () => {
  it('is validated', async () => {
    await expect(createTestServer({ dialect: 'binance' as unknown as 'reference' })).rejects.toThrow(OptionsError);
  });

  it('is a CLI flag', () => {
    expect(parseCliConfig(['--dialect', 'plain-streams'], {}).server).toEqual({ dialect: 'plain-streams' });
    expect(parseCliConfig([], { WIRESTATE_SERVER_DIALECT: 'reference' }).server).toEqual({ dialect: 'reference' });
    expect(() => parseCliConfig(['--dialect=other'], {})).toThrow(/--dialect/);
  });
});
