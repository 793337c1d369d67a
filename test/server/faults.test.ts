import { describe, expect, it } from 'vitest';
import { start } from './server-fixture.js';
import { RawClient, openSession, sleep } from './raw-client.js';

describe('dropping and closing connections', () => {
  it('drops a connection without a close frame (the client sees 1006) and holds its session', async () => {
    const s = await start();
    const first = await openSession(s);
    const second = await openSession(s);
    const held = s.waitFor('session', (event) => event.type === 'held');
    expect(s.faults.dropConnection(first.result.sessionId)).toBe(1);
    expect((await first.client.waitForClose()).code).toBe(1006);
    expect((await held).sessionId).toBe(first.result.sessionId);
    expect(s.session(first.result.sessionId)?.connected).toBe(false);
    expect(second.client.ws.readyState).toBe(second.client.ws.OPEN);
    expect(s.faults.dropConnection()).toBe(1);
    expect((await second.client.waitForClose()).code).toBe(1006);
  });

  it('targets connections by connection id or predicate', async () => {
    const s = await start();
    const first = await RawClient.connect(s);
    const second = await RawClient.connect(s);
    expect(s.faults.dropConnection(String(first.responseHeaders['connection-id']))).toBe(1);
    expect(s.faults.closeConnection((connection) => connection.connectionId === second.responseHeaders['connection-id'], 4999, 'bye')).toBe(1);
    expect(await second.waitForClose()).toEqual({ code: 4999, reason: 'bye' });
    expect(s.faults.dropConnection('nobody')).toBe(0);
  });

  it('closes with any sendable code and reason, and refuses unsendable ones', async () => {
    const s = await start();
    const { client } = await openSession(s);
    expect(() => s.faults.closeConnection('all', 1006)).toThrow(/close code 1006 must be sendable/);
    expect(() => s.faults.closeConnection('all', 1000, 'x'.repeat(124))).toThrow(/123 bytes/);
    s.faults.closeConnection('all', 1011, 'oops');
    expect(await client.waitForClose()).toEqual({ code: 1011, reason: 'oops' });
  });
});

describe('half-open connections', () => {
  it('goes silent: no answers, no pongs, no stream messages, TCP still open; a resume replays and cuts it', async () => {
    const s = await start({ heartbeatMs: 20 });
    const { client, result } = await openSession(s);
    await client.call('SUBSCRIBE', ['a@trade']);
    expect(s.faults.goSilent()).toBe(1);
    const framesBefore = client.frames.length;
    client.send({ id: 50, method: 'PING' });
    s.publish('a@trade', 'unseen');
    let pongs = 0;
    client.ws.on('pong', () => pongs++);
    client.ws.ping();
    const pingsBefore = client.pings.length;
    await sleep(120);
    expect(client.frames.length).toBe(framesBefore);
    expect(pongs).toBe(0);
    expect(client.pings.length).toBe(pingsBefore);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect(s.connections()[0]).toMatchObject({ silent: true });

    const resumed = await RawClient.connect(s, { query: { resume: result.resumeId } });
    expect((await resumed.initialize({ lastSeq: 0 })).resumed).toBe(true);
    expect(await resumed.waitForStreamMessages(1)).toEqual([{ stream: 'a@trade', data: 'unseen', seq: 1 }]);
    // The silent connection is cut (no close frame), as a dead peer would be.
    expect((await client.waitForClose()).code).toBe(1006);
  });
});

describe('refusing connections', () => {
  it('destroys upgrade sockets while refusing, keeps the balancer up, and accepts again after restore', async () => {
    const s = await start();
    s.faults.refuseConnections();
    await expect(RawClient.connect(s)).rejects.toThrow();
    await expect(RawClient.connect(s)).rejects.toThrow();
    expect((await fetch(`${s.balancerUrl}/v1/websocket/server`)).status).toBe(200);
    expect(s.handshakes().map((record) => record.outcome)).toEqual(['refused', 'refused']);
    s.faults.restore();
    await expect(RawClient.connect(s)).resolves.toBeDefined();
  });

  it('refuses a given number of times, with HTTP 503 when asked', async () => {
    const s = await start();
    s.faults.refuseConnections({ times: 1, mode: 'http-503' });
    await expect(RawClient.connect(s)).rejects.toMatchObject({ status: 503 });
    await expect(RawClient.connect(s)).resolves.toBeDefined();
  });
});

describe('delays', () => {
  it('delays the handshake', async () => {
    const s = await start();
    s.faults.delayHandshake(120, 1);
    const started = Date.now();
    await RawClient.connect(s);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('delays the INITIALIZE answer; packets sent meanwhile are answered after it, in order', async () => {
    const s = await start({ initTimeoutMs: 50 });
    s.faults.delayInitialize(120);
    const client = await RawClient.connect(s);
    client.send({ id: 1, method: 'INITIALIZE', params: { client: 'x/1' } });
    client.send({ id: 2, method: 'ECHO', params: 'queued' });
    await sleep(80);
    expect(client.frames).toHaveLength(0);
    await client.waitFor((packet) => packet['id'] === 2, 1_000);
    expect(client.packets.map((packet) => packet['id'])).toEqual([1, 2]);
    // The init timeout did not fire although the answer came after it.
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('close() cancels a delayed handshake', async () => {
    const s = await start();
    s.faults.delayHandshake(10_000);
    const attempt = RawClient.connect(s).then(
      () => 'open',
      () => 'failed',
    );
    await sleep(30);
    await s.close();
    expect(await attempt).toBe('failed');
    expect(s.handshakes().map((record) => record.outcome)).toEqual(['aborted']);
  });
});

describe('garbage frames', () => {
  it.each([
    ['json', [] as string[], false],
    ['msgpack', ['msgpack.v1'], true],
    ['bson', ['bson.v1'], true],
  ] as const)('sends a %s connection a frame of its type that does not decode', async (_format, protocols, binary) => {
    const s = await start();
    const { client } = await openSession(s, { protocols: [...protocols] });
    expect(s.faults.sendGarbage()).toBe(1);
    const frames = await client.waitForFrames(2);
    expect(frames[1]).toMatchObject({ binary, packet: undefined });
  });

  it('sends a given frame, of either type', async () => {
    const s = await start();
    const { client } = await openSession(s);
    s.faults.sendGarbage('all', Uint8Array.of(1, 2, 3));
    const frames = await client.waitForFrames(2);
    expect(frames[1]?.binary).toBe(true);
    expect([...(frames[1]?.raw ?? [])]).toEqual([1, 2, 3]);
  });
});

describe('restart', () => {
  it('closes everything with 1012, forgets every session, and keeps listening', async () => {
    const s = await start();
    const first = await openSession(s);
    const second = await openSession(s, { protocols: ['msgpack.v1'] });
    await s.faults.restart();
    expect((await first.client.waitForClose()).code).toBe(1012);
    expect((await second.client.waitForClose()).code).toBe(1012);
    expect(s.sessions()).toEqual([]);
    const again = await RawClient.connect(s, { query: { resume: first.result.resumeId } });
    const result = await again.initialize({ lastSeq: 0 });
    expect(result.resumed).toBe(false);
    expect([first.result.sessionId, second.result.sessionId]).not.toContain(result.sessionId);
    expect((await fetch(`${s.balancerUrl}/v1/websocket/server`)).status).toBe(200);
  });
});

describe('close()', () => {
  it('closes connections with 1001 and leaves nothing behind; a second close is harmless', async () => {
    const s = await start({ heartbeatMs: 10 });
    const { client } = await openSession(s);
    await client.call('SUBSCRIBE', ['a@trade']);
    const silent = await openSession(s);
    s.faults.goSilent(silent.result.sessionId);
    await s.close();
    await s.close();
    expect((await client.waitForClose()).code).toBe(1001);
    expect((await silent.client.waitForClose()).code).toBe(1006);
    expect(s.connections()).toEqual([]);
    expect(s.sessions()).toEqual([]);
    expect(s.publish('a@trade', 1)).toBe(0);
    await expect(RawClient.connect(s)).rejects.toThrow();
  });
});
