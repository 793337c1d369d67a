import { describe, expect, it } from 'vitest';
import { MethodError } from '../../src/testing/index.js';
import { start } from './server-fixture.js';
import { RawClient, openSession } from './raw-client.js';

describe('INITIALIZE', () => {
  it('answers {sessionId, resumeId, resumed, heartbeatMs, authRequired, connectionLifetimeMs}', async () => {
    const s = await start({ heartbeatMs: 1234 });
    const client = await RawClient.connect(s);
    const response = await client.request('INITIALIZE', { client: 'raw-test/1.0' });
    expect(response).toEqual({
      id: 1,
      result: { sessionId: expect.stringMatching(/^sess-/), resumeId: client.responseHeaders['resume-id'], resumed: false, heartbeatMs: 1234, authRequired: false, connectionLifetimeMs: 3_600_000 },
    });
    const session = s.sessions()[0];
    expect(session).toMatchObject({ client: 'raw-test/1.0', connected: true, authorized: true, lastSeq: 0, subscriptions: [] });
  });

  it('closes with 4202 when no INITIALIZE comes within the init timeout', async () => {
    const s = await start({ initTimeoutMs: 60 });
    const disconnected = s.waitFor('disconnect');
    const client = await RawClient.connect(s);
    expect((await client.waitForClose()).code).toBe(4202);
    expect(await disconnected).toMatchObject({ code: 4202, initiatedBy: 'server', serverCode: 4202 });
  });

  it('does not close an initialized connection at the init timeout', async () => {
    const s = await start({ initTimeoutMs: 40 });
    const { client } = await openSession(s);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await client.call('PING')).toMatchObject({ time: expect.any(Number) });
  });

  it('closes with 4002 when another packet comes first', async () => {
    const s = await start();
    const client = await RawClient.connect(s);
    client.send({ id: 1, method: 'PING' });
    expect((await client.waitForClose()).code).toBe(4002);
  });

  it('answers bad params with -32602 and keeps waiting for a good INITIALIZE', async () => {
    const s = await start();
    const client = await RawClient.connect(s);
    for (const params of [undefined, {}, { client: '' }, { client: 'x/1', lastSeq: -1 }, { client: 'x/1', lastSeq: 1.5 }, ['x']]) {
      const response = await client.request('INITIALIZE', params);
      expect(response['error']).toMatchObject({ code: -32602 });
    }
    expect((await client.initialize()).resumed).toBe(false);
  });

  it('answers a second INITIALIZE with -32600', async () => {
    const s = await start();
    const { client, result } = await openSession(s);
    const again = await client.request('INITIALIZE', { client: 'x/1' });
    expect(again['error']).toMatchObject({ code: -32600 });
    expect(s.sessions().map((session) => session.sessionId)).toEqual([result.sessionId]);
  });
});

describe('packets and frames', () => {
  it('closes with 1007 on a frame that does not decode', async () => {
    const s = await start();
    const client = await RawClient.connect(s);
    client.ws.send('{not json');
    expect((await client.waitForClose()).code).toBe(1007);
  });

  it('closes with 1007 on a frame of the wrong type for the codec', async () => {
    const s = await start();
    const json = await RawClient.connect(s);
    json.ws.send(Buffer.from(JSON.stringify({ id: 1, method: 'INITIALIZE', params: { client: 'x/1' } })));
    expect((await json.waitForClose()).code).toBe(1007);
    const msgpack = await RawClient.connect(s, { protocols: ['msgpack.v1'] });
    msgpack.ws.send('{"id":1}');
    expect((await msgpack.waitForClose()).code).toBe(1007);
  });

  it('closes with 1007 on a packet that is not an object', async () => {
    const s = await start();
    const { client } = await openSession(s);
    client.ws.send('[1,2,3]');
    expect((await client.waitForClose()).code).toBe(1007);
  });

  it('closes with 1007 on a packet without a positive integer id', async () => {
    const s = await start();
    for (const packet of [{ method: 'PING' }, { id: 0, method: 'PING' }, { id: 'one', method: 'PING' }, { id: 1.5, method: 'PING' }]) {
      const { client } = await openSession(s);
      client.send(packet);
      expect((await client.waitForClose()).code).toBe(1007);
    }
  });

  it('answers a packet whose method is not a string with -32600', async () => {
    const s = await start();
    const { client } = await openSession(s);
    client.send({ id: 9, method: 42 });
    expect((await client.waitFor((packet) => packet['id'] === 9))['error']).toMatchObject({ code: -32600 });
  });
});

describe('PING, ECHO, unknown and custom methods', () => {
  it('answers PING with the server time', async () => {
    const s = await start();
    const { client } = await openSession(s);
    const before = Date.now();
    const result = (await client.call('PING')) as { time: number };
    expect(result.time).toBeGreaterThanOrEqual(before - 1);
    expect(result.time).toBeLessThanOrEqual(Date.now() + 1);
  });

  it('answers ECHO with its params, and null without params', async () => {
    const s = await start();
    const { client } = await openSession(s);
    expect(await client.call('ECHO', { a: [1, 2], b: 'text' })).toEqual({ a: [1, 2], b: 'text' });
    expect(await client.call('ECHO', 'plain')).toBe('plain');
    expect(await client.call('ECHO')).toBeNull();
  });

  it('answers an unknown method with -32601', async () => {
    const s = await start();
    const { client } = await openSession(s);
    const response = await client.request('NO_SUCH_METHOD', {});
    expect(response['error']).toMatchObject({ code: -32601, message: 'method not found: NO_SUCH_METHOD' });
    expect(await client.call('PING')).toBeTruthy();
  });

  it('runs custom handlers, sync and async, with their errors', async () => {
    const s = await start({
      methods: {
        ADD: (params) => (params as number[]).reduce((sum, value) => sum + value, 0),
        SLOW: async (params) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { waited: params };
        },
        FAIL: () => {
          throw new MethodError(409, 'conflict', { orderId: 7 });
        },
        CRASH: () => {
          throw new Error('boom');
        },
        WHO: (_params, context) => context,
      },
    });
    const { client, result } = await openSession(s);
    expect(await client.call('ADD', [1, 2, 3])).toBe(6);
    expect(await client.call('SLOW', 5)).toEqual({ waited: 5 });
    expect((await client.request('FAIL'))['error']).toEqual({ code: 409, message: 'conflict', data: { orderId: 7 } });
    expect((await client.request('CRASH'))['error']).toMatchObject({ code: -32603, message: 'internal error: boom' });
    expect(await client.call('WHO')).toEqual({ sessionId: result.sessionId, connectionId: client.responseHeaders['connection-id'] });
  });
});

describe('recording', () => {
  it('records every packet with its connection, session, method and id, and waits for one', async () => {
    const s = await start();
    const { client, result } = await openSession(s);
    const waiting = s.waitForPacket((packet) => packet.method === 'ECHO');
    await client.call('ECHO', 1);
    expect((await waiting).packet).toEqual({ id: 2, method: 'ECHO', params: 1 });
    const packets = s.packets();
    expect(packets.map((packet) => [packet.method, packet.id, packet.sessionId])).toEqual([
      ['INITIALIZE', 1, undefined],
      ['ECHO', 2, result.sessionId],
    ]);
    expect(packets[0]?.connectionId).toBe(client.responseHeaders['connection-id']);
    // Already recorded packets count too.
    expect((await s.waitForPacket((packet) => packet.method === 'INITIALIZE')).id).toBe(1);
    s.clearRecords();
    expect(s.packets()).toEqual([]);
    await expect(s.waitForPacket((packet) => packet.method === 'INITIALIZE', 30)).rejects.toThrow(/Timed out/);
  });

  it('keeps at most maxRecordedPackets packets, and none when 0', async () => {
    const s = await start({ maxRecordedPackets: 3 });
    const { client } = await openSession(s);
    for (let index = 0; index < 10; index++) await client.call('ECHO', index);
    expect(s.packets().map((packet) => (packet.packet as { params: number }).params)).toEqual([7, 8, 9]);
    expect(s.stats().packetsReceived).toBe(11);
  });
});
