import { describe, expect, it } from 'vitest';
import { WaitTimeoutError, createTestServer, startMarketSimulator } from '../../src/testing/index.js';
import type { SessionEvent } from '../../src/testing/index.js';
import { RawClient, openSession, sleep, terminateAllClients } from './raw-client.js';
import { start } from './server-fixture.js';

describe('inspection', () => {
  it('describes sessions and connections', async () => {
    const s = await start();
    const { client, result } = await openSession(s, { protocols: ['msgpack.v1'] });
    await client.call('SUBSCRIBE', ['b@trade', 'a@trade']);
    s.publish('a@trade', 1);
    expect(s.session(result.sessionId)).toMatchObject({
      sessionId: result.sessionId,
      client: 'raw-test/1.0',
      connected: true,
      connectionId: client.responseHeaders['connection-id'],
      authorized: true,
      subscriptions: ['b@trade', 'a@trade'],
      lastSeq: 1,
      buffered: 1,
      resumeId: result.resumeId,
      codec: 'msgpack',
      resumeCount: 0,
    });
    expect(s.connections()).toEqual([
      expect.objectContaining({
        connectionId: client.responseHeaders['connection-id'],
        sessionId: result.sessionId,
        codec: 'msgpack',
        selectedProtocol: 'msgpack.v1',
        resumeId: result.resumeId,
        phase: 'ready',
        silent: false,
        tokenAccepted: false,
      }),
    ]);
    expect(s.subscribedStreams().sort()).toEqual(['a@trade', 'b@trade']);
    expect(s.session('nope')).toBeUndefined();
  });

  it('counts what happened', async () => {
    const s = await start();
    await fetch(`${s.balancerUrl}/v1/websocket/server`);
    const { client } = await openSession(s);
    await client.call('SUBSCRIBE', ['a@trade']);
    s.publish('a@trade', 1);
    await client.waitForStreamMessages(1);
    await RawClient.connect(s, { version: null }).catch(() => undefined);
    expect(s.stats()).toEqual({
      handshakes: 2,
      connectionsOpened: 1,
      connectionsOpen: 1,
      balancerCalls: 1,
      packetsReceived: 2,
      packetsIgnored: 0,
      framesSent: 3,
      streamMessages: 1,
      sessionsCreated: 1,
      sessionsResumed: 0,
      sessionsOpen: 1,
    });
  });

  it('emits events and waits for them', async () => {
    const s = await start();
    const sessionEvents: SessionEvent['type'][] = [];
    const off = s.on('session', (event) => sessionEvents.push(event.type));
    const connected = s.waitFor('connection');
    const handshake = s.waitFor('handshake', (record) => record.outcome === 'accepted');
    const packet = s.waitFor('packet', (received) => received.method === 'INITIALIZE');
    const { client, result } = await openSession(s);
    expect((await connected).connectionId).toBe(client.responseHeaders['connection-id']);
    expect((await handshake).issuedResumeId).toBe(result.resumeId);
    expect((await packet).packet).toMatchObject({ method: 'INITIALIZE' });
    const disconnect = s.waitFor('disconnect');
    client.close(1000);
    expect(await disconnect).toMatchObject({ code: 1000, initiatedBy: 'client', sessionId: result.sessionId });
    expect(s.disconnects()).toHaveLength(1);
    expect(sessionEvents).toEqual(['created', 'held']);
    off();
    await expect(s.waitFor('connection', undefined, 20)).rejects.toBeInstanceOf(WaitTimeoutError);
  });

  it('rejects pending waits when the server closes, leaving no timer', async () => {
    const s = await start();
    const event = s.waitFor('connection', undefined, 60_000);
    const packet = s.waitForPacket(() => true, 60_000);
    await s.close();
    await expect(event).rejects.toThrow(/closed/);
    await expect(packet).rejects.toThrow(/closed/);
  });

  it('leaves no socket or timer behind after close()', async () => {
    // Counts of timers and TCP handles; other tests' or the runner's handles may come and go, so
    // the check is that none were added.
    const resources = (): Record<string, number> => {
      const counts: Record<string, number> = { Timeout: 0, TCPServerWrap: 0, TCPSocketWrap: 0 };
      for (const name of process.getActiveResourcesInfo()) if (name in counts) counts[name] = (counts[name] ?? 0) + 1;
      return counts;
    };
    const before = resources();
    const s = await start({ heartbeatMs: 10, resumeWindowMs: 60_000, idleTimeoutMs: 60_000, maxLifetimeMs: 60_000 });
    const held = await openSession(s);
    await held.client.call('SUBSCRIBE', ['a@trade']);
    held.client.terminate();
    await s.waitFor('session', (event) => event.type === 'held');
    const live = await openSession(s);
    await live.client.call('SUBSCRIBE', ['a@trade']);
    startMarketSimulator(s, { ratePerSecond: 1_000 });
    s.faults.delayHandshake(60_000, 1);
    void RawClient.connect(s).catch(() => undefined);
    s.faults.balancerDelay(60_000);
    void fetch(`${s.balancerUrl}/v1/websocket/server`).catch(() => undefined);
    await sleep(30);
    await s.close();
    await live.client.closed;
    terminateAllClients();
    await sleep(20);
    const after = resources();
    for (const name of Object.keys(before)) expect(after[name], name).toBeLessThanOrEqual(before[name] ?? 0);
  });

  it('rejects bad options with the option name', async () => {
    await expect(createTestServer({ heartbeatMs: 0 })).rejects.toThrow(/heartbeatMs/);
    await expect(createTestServer({ idleTimeoutMs: Infinity })).rejects.toThrow(/idleTimeoutMs/);
    await expect(createTestServer({ replayBufferSize: -1 })).rejects.toThrow(/replayBufferSize/);
    await expect(createTestServer({ path: 'ws' })).rejects.toThrow(/path/);
  });
});
