import { describe, expect, it } from 'vitest';
import { start } from './server-fixture.js';
import { RawClient, openSession, sleep } from './raw-client.js';

describe('keepalive', () => {
  it('sends ping frames every heartbeatMs and keeps a connection that answers them', async () => {
    const s = await start({ heartbeatMs: 30 });
    const { client } = await openSession(s);
    await sleep(200);
    expect(client.pings.length).toBeGreaterThanOrEqual(3);
    expect(await client.call('PING')).toBeTruthy();
  });

  it('closes with 1008 a connection that misses a pong', async () => {
    const s = await start({ heartbeatMs: 30 });
    const client = await RawClient.connect(s, { autoPong: false });
    await client.initialize();
    expect(await client.waitForClose()).toEqual({ code: 1008, reason: 'missed pong' });
    expect(client.pings.length).toBeGreaterThanOrEqual(1);
  });

  it('sends no ping frames when pingFrames is false, and reports heartbeatMs anyway', async () => {
    const s = await start({ heartbeatMs: 20, pingFrames: false });
    const client = await RawClient.connect(s, { autoPong: false });
    expect((await client.initialize()).heartbeatMs).toBe(20);
    await sleep(100);
    expect(client.pings).toEqual([]);
    expect(await client.call('PING')).toBeTruthy();
  });
});

describe('idle timeout and maximum lifetime', () => {
  it('closes with 1001 a connection that sends nothing for idleTimeoutMs, pongs not counting', async () => {
    const s = await start({ idleTimeoutMs: 80, heartbeatMs: 20 });
    const { client } = await openSession(s);
    const closed = await client.waitForClose();
    expect(closed).toEqual({ code: 1001, reason: 'idle timeout' });
    expect(client.pings.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps a connection that keeps sending', async () => {
    const s = await start({ idleTimeoutMs: 150, pingFrames: false });
    const { client } = await openSession(s);
    for (let index = 0; index < 10; index++) {
      await sleep(25);
      await client.call('PING');
    }
    expect(s.connections()).toHaveLength(1);
    expect((await client.waitForClose(500)).code).toBe(1001);
  });

  it('counts ping frames from the client as activity', async () => {
    const s = await start({ idleTimeoutMs: 150, pingFrames: false });
    const { client } = await openSession(s);
    for (let index = 0; index < 10; index++) {
      await sleep(25);
      client.ws.ping();
    }
    expect(s.connections()).toHaveLength(1);
  });

  it('closes every connection with 1001 at maxLifetimeMs, busy or not', async () => {
    const s = await start({ maxLifetimeMs: 100, pingFrames: false });
    const { client } = await openSession(s);
    const started = Date.now();
    const pinging = (async () => {
      while (client.ws.readyState === client.ws.OPEN) {
        client.send({ id: 1_000 + Math.floor(Math.random() * 1e6), method: 'PING' });
        await sleep(10);
      }
    })();
    expect(await client.waitForClose()).toEqual({ code: 1001, reason: 'max lifetime reached' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await pinging;
  });

  it('holds the session of a connection closed for idleness, so it can resume', async () => {
    const s = await start({ idleTimeoutMs: 40, pingFrames: false });
    const { client, result } = await openSession(s);
    await client.waitForClose();
    const again = await RawClient.connect(s, { query: { resume: result.resumeId } });
    expect((await again.initialize({ lastSeq: 0 })).resumed).toBe(true);
  });
});

describe('message size limit', () => {
  it('accepts a message of exactly maxMessageBytes and closes with 1009 on a larger one', async () => {
    const s = await start({ maxMessageBytes: 1_024 });
    const { client } = await openSession(s);
    const envelope = JSON.stringify({ id: 2, method: 'ECHO', params: '' });
    const fitting = JSON.stringify({ id: 2, method: 'ECHO', params: 'x'.repeat(1_024 - envelope.length) });
    expect(fitting.length).toBe(1_024);
    client.ws.send(fitting);
    expect((await client.waitFor((packet) => packet['id'] === 2))['result']).toHaveLength(1_024 - envelope.length);
    client.ws.send(JSON.stringify({ id: 3, method: 'ECHO', params: 'x'.repeat(1_024) }));
    expect((await client.waitForClose()).code).toBe(1009);
  });

  it('defaults to 128 KiB', async () => {
    const s = await start();
    const { client } = await openSession(s);
    const envelope = JSON.stringify({ id: 2, method: 'ECHO', params: '' });
    client.ws.send(JSON.stringify({ id: 2, method: 'ECHO', params: 'x'.repeat(128 * 1024 - envelope.length) }));
    await client.waitFor((packet) => packet['id'] === 2);
    client.ws.send('x'.repeat(128 * 1024 + 1));
    expect((await client.waitForClose()).code).toBe(1009);
  });
});

describe('slow consumers', () => {
  it('closes with 1013 a connection whose unsent output passes maxBufferedBytes', async () => {
    const s = await start({ maxBufferedBytes: 1024 * 1024, pingFrames: false });
    const { client, result } = await openSession(s);
    await client.call('SUBSCRIBE', ['a@trade']);
    // Stop reading: the kernel buffers fill, then the server's own buffer grows.
    client.ws.pause();
    const closed = s.waitFor('disconnect', (record) => record.sessionId === result.sessionId, 5_000);
    const payload = 'x'.repeat(16 * 1024);
    for (let round = 0; round < 100 && s.connections().some((c) => c.phase !== 'closing'); round++) {
      for (let index = 0; index < 64; index++) s.publish('a@trade', payload);
      await sleep(1);
    }
    client.terminate();
    expect((await closed).serverCode).toBe(1013);
  });
});
