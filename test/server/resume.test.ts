import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing/index.js';
import { start } from './server-fixture.js';
import { RawClient, openSession, sleep } from './raw-client.js';
import type { InitializeResult } from './raw-client.js';


/** Opens a session subscribed to `streams` and drops it from the server side; resolves once it is held. */
async function subscribedThenDropped(s: TestServer, streams: string[], received: number) {
  const { client, result } = await openSession(s);
  if (result.authRequired) await client.call('AUTHORIZE', { license: 'lic' });
  await client.call('SUBSCRIBE', streams);
  for (let index = 1; index <= received; index++) s.publish(streams[0] as string, `before-${index}`);
  await client.waitForStreamMessages(received);
  const held = s.waitFor('session', (event) => event.type === 'held');
  s.faults.dropConnection(result.sessionId);
  expect((await client.waitForClose()).code).toBe(1006);
  await held;
  return { client, result };
}

async function resume(s: TestServer, resumeId: string, initialize: Record<string, unknown>, viaHeader = false) {
  const client = await RawClient.connect(s, viaHeader ? { headers: { 'Resume-Id': resumeId } } : { query: { resume: resumeId } });
  const result = await client.initialize(initialize);
  return { client, result };
}

describe('resume', () => {
  it('resumes a dropped session: same sessionId, missed messages in seq order before new ones, seq continues', async () => {
    const s = await start({ auth: { licenses: ['lic'] } });
    const { result: first } = await subscribedThenDropped(s, ['a@trade', 'b@trade'], 2);
    expect(s.sessions()[0]).toMatchObject({ connected: false, lastSeq: 2 });
    expect(s.publish('a@trade', 'missed-1')).toBe(1);
    s.publish('b@trade', 'missed-2');
    s.publish('a@trade', 'missed-3');

    const { client, result } = await resume(s, first.resumeId, { lastSeq: 2 });
    expect(result).toMatchObject({ resumed: true, sessionId: first.sessionId, authRequired: false });
    expect(result.resumeId).not.toBe(first.resumeId);
    s.publish('b@trade', 'new');
    expect(await client.waitForStreamMessages(4)).toEqual([
      { stream: 'a@trade', data: 'missed-1', seq: 3 },
      { stream: 'b@trade', data: 'missed-2', seq: 4 },
      { stream: 'a@trade', data: 'missed-3', seq: 5 },
      { stream: 'b@trade', data: 'new', seq: 6 },
    ]);
    // The INITIALIZE answer comes first; subscriptions and authorization were kept.
    expect(client.packets[0]).toMatchObject({ id: 1, result: { resumed: true } });
    expect(s.sessions()[0]).toMatchObject({ subscriptions: ['a@trade', 'b@trade'], authorized: true, resumeCount: 1, connected: true });
    expect(await client.call('ECHO', 'no AUTHORIZE needed')).toBe('no AUTHORIZE needed');
  });

  it('replays messages the client had not received yet even if they were sent before the drop', async () => {
    const s = await start();
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 3);
    const { client, result } = await resume(s, first.resumeId, { lastSeq: 1 });
    expect(result.resumed).toBe(true);
    expect((await client.waitForStreamMessages(2)).map((message) => message.seq)).toEqual([2, 3]);
  });

  it('counts an absent lastSeq as 0 (nothing received)', async () => {
    const s = await start();
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 2);
    const { client, result } = await resume(s, first.resumeId, {});
    expect(result.resumed).toBe(true);
    expect((await client.waitForStreamMessages(2)).map((message) => message.seq)).toEqual([1, 2]);
  });

  it('resumes with the Resume-Id request header too', async () => {
    const s = await start();
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 1);
    const { result } = await resume(s, first.resumeId, { lastSeq: 1 }, true);
    expect(result).toMatchObject({ resumed: true, sessionId: first.sessionId });
  });

  it('sends messages published while the INITIALIZE answer is delayed after it, in order, without duplicates', async () => {
    const s = await start();
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 1);
    s.publish('a@trade', 'held-1');
    s.faults.delayInitialize(60, 1);
    const client = await RawClient.connect(s, { query: { resume: first.resumeId } });
    const answered = client.initialize({ lastSeq: 1 });
    await s.waitForPacket((packet) => packet.method === 'INITIALIZE' && packet.connectionId === client.responseHeaders['connection-id']);
    s.publish('a@trade', 'during-delay-1');
    s.publish('a@trade', 'during-delay-2');
    expect((await answered).resumed).toBe(true);
    s.publish('a@trade', 'after');
    const messages = await client.waitForStreamMessages(4);
    expect(messages.map((message) => [message.seq, message.data])).toEqual([
      [2, 'held-1'],
      [3, 'during-delay-1'],
      [4, 'during-delay-2'],
      [5, 'after'],
    ]);
    expect(client.packets[0]).toMatchObject({ result: { resumed: true } });
  });

  it('replays a publish made from a resumed-session listener once, in order', async () => {
    const s = await start();
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 1);
    s.publish('a@trade', 'held');
    s.on('session', (event) => {
      if (event.type === 'resumed') s.publish('a@trade', 'published-while-resuming');
    });
    const { client } = await resume(s, first.resumeId, { lastSeq: 1 });
    await client.waitForStreamMessages(2);
    await sleep(20);
    expect(client.streamMessages.map((message) => [message.seq, message.data])).toEqual([
      [2, 'held'],
      [3, 'published-while-resuming'],
    ]);
  });

  it('lets a Resume-Id work once', async () => {
    const s = await start();
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 1);
    const resumedOnce = await resume(s, first.resumeId, { lastSeq: 1 });
    expect(resumedOnce.result.resumed).toBe(true);
    resumedOnce.client.terminate();
    await s.waitFor('session', (event) => event.type === 'held');
    const again = await resume(s, first.resumeId, { lastSeq: 1 });
    expect(again.result.resumed).toBe(false);
    expect(again.result.sessionId).not.toBe(first.sessionId);
    // The newest Resume-Id still works.
    again.client.terminate();
    const latest = await resume(s, resumedOnce.result.resumeId, { lastSeq: 1 });
    expect(latest.result).toMatchObject({ resumed: true, sessionId: first.sessionId });
  });

  it('starts a fresh session when a missed message is no longer buffered', async () => {
    const s = await start({ replayBufferSize: 2, auth: { licenses: ['lic'] } });
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 1);
    for (let index = 0; index < 3; index++) s.publish('a@trade', index);
    const discarded = s.waitFor('session', (event) => event.type === 'discarded');
    const { client, result } = await resume(s, first.resumeId, { lastSeq: 1 });
    expect(result).toMatchObject({ resumed: false, authRequired: true });
    expect(result.sessionId).not.toBe(first.sessionId);
    expect((await discarded).sessionId).toBe(first.sessionId);
    expect(s.sessions().map((session) => session.sessionId)).toEqual([result.sessionId]);
    expect(s.sessions()[0]).toMatchObject({ subscriptions: [], lastSeq: 0, authorized: false });
    expect((await client.request('SUBSCRIBE', ['a@trade']))['error']).toMatchObject({ code: 401 });
    await client.call('AUTHORIZE', { license: 'lic' });
    await client.call('SUBSCRIBE', ['a@trade']);
    s.publish('a@trade', 'fresh');
    expect(await client.waitForStreamMessages(1)).toEqual([{ stream: 'a@trade', data: 'fresh', seq: 1 }]);
  });

  it('resumes when exactly the missed messages are still buffered', async () => {
    const s = await start({ replayBufferSize: 3 });
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 1);
    for (let index = 0; index < 3; index++) s.publish('a@trade', index);
    const { result } = await resume(s, first.resumeId, { lastSeq: 1 });
    expect(result.resumed).toBe(true);
  });

  it('starts a fresh session when lastSeq is beyond what the session sent', async () => {
    const s = await start();
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 2);
    expect((await resume(s, first.resumeId, { lastSeq: 3 })).result.resumed).toBe(false);
  });

  it('forgets a held session after the resume window', async () => {
    const s = await start({ resumeWindowMs: 40 });
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 1);
    await s.waitFor('session', (event) => event.type === 'expired' && event.sessionId === first.sessionId);
    expect(s.sessions()).toEqual([]);
    expect((await resume(s, first.resumeId, { lastSeq: 1 })).result.resumed).toBe(false);
  });

  it('closes the older connection with 4000 when its session is resumed elsewhere', async () => {
    const s = await start();
    const older = await openSession(s);
    await older.client.call('SUBSCRIBE', ['a@trade']);
    s.publish('a@trade', 1);
    await older.client.waitForStreamMessages(1);
    const { client, result } = await resume(s, older.result.resumeId, { lastSeq: 1 });
    expect(result).toMatchObject({ resumed: true, sessionId: older.result.sessionId });
    expect(await older.client.waitForClose()).toEqual({ code: 4000, reason: 'session taken over' });
    s.publish('a@trade', 2);
    expect(await client.waitForStreamMessages(1)).toEqual([{ stream: 'a@trade', data: 2, seq: 2 }]);
    await sleep(20);
    // The old connection's close did not detach the session from its new connection.
    expect(s.sessions()[0]).toMatchObject({ connected: true, connectionId: client.responseHeaders['connection-id'] });
  });

  it('hands over a session whose connection is still open: replay after lastSeq on the new one, 4000 on the old (make-before-break rotation)', async () => {
    const s = await start({ maxLifetimeMs: 60_000 });
    const older = await openSession(s);
    expect(older.result).toMatchObject({ connectionLifetimeMs: 60_000 });
    await older.client.call('SUBSCRIBE', ['a@trade']);
    for (let index = 1; index <= 5; index++) s.publish('a@trade', index);
    await older.client.waitForStreamMessages(5);
    // The client has processed only up to seq 3 when it rotates: the new connection replays 4 and 5.
    const { client, result } = await resume(s, older.result.resumeId, { lastSeq: 3 });
    expect(result).toMatchObject({ resumed: true, sessionId: older.result.sessionId, connectionLifetimeMs: 60_000 });
    expect(await older.client.waitForClose()).toEqual({ code: 4000, reason: 'session taken over' });
    s.publish('a@trade', 6);
    expect((await client.waitForStreamMessages(3)).map((message) => message.seq)).toEqual([4, 5, 6]);
  });

  it('answers resumed: false after rejectNextResume, once', async () => {
    const s = await start();
    const { result: first } = await subscribedThenDropped(s, ['a@trade'], 1);
    s.faults.rejectNextResume();
    const rejected = await resume(s, first.resumeId, { lastSeq: 1 });
    expect(rejected.result.resumed).toBe(false);
    const { result: second } = await subscribedThenDropped(s, ['a@trade'], 1);
    expect((await resume(s, second.resumeId, { lastSeq: 1 })).result.resumed).toBe(true);
  });

  it('keeps seq rising across several resumes', async () => {
    const s = await start();
    let { client, result } = await openSession(s);
    await client.call('SUBSCRIBE', ['a@trade']);
    let lastSeq = 0;
    for (let round = 0; round < 3; round++) {
      s.publish('a@trade', round);
      const messages = await client.waitForStreamMessages(1);
      lastSeq = messages[messages.length - 1]?.seq ?? lastSeq;
      client.terminate();
      await s.waitFor('session', (event) => event.type === 'held');
      ({ client, result } = (await resume(s, result.resumeId, { lastSeq })) as { client: RawClient; result: InitializeResult });
      expect(result.resumed).toBe(true);
    }
    s.publish('a@trade', 'end');
    expect((await client.waitForStreamMessages(1))[0]?.seq).toBe(4);
  });
});
