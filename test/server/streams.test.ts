import { describe, expect, it } from 'vitest';
import { start } from './server-fixture.js';
import { openSession, sleep } from './raw-client.js';
import type { WireFormat } from './raw-client.js';


const PROTOCOLS: Record<WireFormat, string[]> = { json: [], msgpack: ['msgpack.v1'], bson: ['bson.v1'] };

describe('SUBSCRIBE and stream messages', () => {
  it.each(['json', 'msgpack', 'bson'] as const)('delivers {stream, data, seq} with seq rising across streams (%s)', async (format) => {
    const s = await start();
    const { client } = await openSession(s, { protocols: PROTOCOLS[format] });
    expect(await client.call('SUBSCRIBE', ['btcusdt@trade', 'ethusdt@depth'])).toBeNull();
    expect(s.publish('btcusdt@trade', { p: '1.5', q: 2 })).toBe(1);
    expect(s.publish('ethusdt@depth', { b: [['1', '2']] })).toBe(1);
    expect(s.publish('btcusdt@trade', { p: '1.6', q: 3 })).toBe(1);
    expect(s.publish('solusdt@trade', { p: 'nobody' })).toBe(0);
    expect(await client.waitForStreamMessages(3)).toEqual([
      { stream: 'btcusdt@trade', data: { p: '1.5', q: 2 }, seq: 1 },
      { stream: 'ethusdt@depth', data: { b: [['1', '2']] }, seq: 2 },
      { stream: 'btcusdt@trade', data: { p: '1.6', q: 3 }, seq: 3 },
    ]);
    expect(s.sessions()[0]?.lastSeq).toBe(3);
  });

  it('gives every session its own seq and sends one copy per subscribed session', async () => {
    const s = await start();
    const first = await openSession(s);
    const second = await openSession(s, { protocols: ['msgpack.v1'] });
    await first.client.call('SUBSCRIBE', ['a@trade']);
    await second.client.call('SUBSCRIBE', ['a@trade', 'b@trade']);
    s.publish('b@trade', 'only-second');
    expect(s.publish('a@trade', 'both')).toBe(2);
    expect(await first.client.waitForStreamMessages(1)).toEqual([{ stream: 'a@trade', data: 'both', seq: 1 }]);
    expect(await second.client.waitForStreamMessages(2)).toEqual([
      { stream: 'b@trade', data: 'only-second', seq: 1 },
      { stream: 'a@trade', data: 'both', seq: 2 },
    ]);
  });

  it('leaves out data that is undefined, as the JSON codec does', async () => {
    const s = await start();
    const { client } = await openSession(s);
    await client.call('SUBSCRIBE', ['a@trade']);
    s.publish('a@trade', undefined);
    expect(await client.waitForStreamMessages(1)).toEqual([{ stream: 'a@trade', seq: 1 }]);
  });

  it('fails the whole SUBSCRIBE with 404 naming every unknown or malformed stream, subscribing none', async () => {
    const s = await start();
    const { client } = await openSession(s);
    const response = await client.request('SUBSCRIBE', ['btcusdt@trade', 'unknown@trade', 'bad name', 'unknown@trade']);
    expect(response['error']).toEqual({
      code: 404,
      message: 'unknown stream: unknown@trade, bad name',
      data: { streams: ['unknown@trade', 'bad name'] },
    });
    expect(s.sessions()[0]?.subscriptions).toEqual([]);
    expect(s.publish('btcusdt@trade', 1)).toBe(0);
  });

  it('uses the configured stream rule', async () => {
    const s = await start({ streams: ['only@this'] });
    const { client } = await openSession(s);
    expect((await client.request('SUBSCRIBE', ['btcusdt@trade']))['error']).toMatchObject({ code: 404, data: { streams: ['btcusdt@trade'] } });
    expect(await client.call('SUBSCRIBE', ['only@this'])).toBeNull();
  });

  it('does not double messages when a stream is subscribed again', async () => {
    const s = await start();
    const { client } = await openSession(s);
    await client.call('SUBSCRIBE', ['a@trade']);
    expect(await client.call('SUBSCRIBE', ['a@trade', 'a@trade'])).toBeNull();
    expect(s.publish('a@trade', 1)).toBe(1);
    s.publish('a@trade', 2);
    await client.waitForStreamMessages(2);
    await sleep(20);
    expect(client.streamMessages.map((message) => message.data)).toEqual([1, 2]);
    expect(s.sessions()[0]?.subscriptions).toEqual(['a@trade']);
  });

  it.each([
    ['not an array', 'a@trade'],
    ['an empty array', []],
    ['no params', undefined],
    ['a non-string name', ['a@trade', 7]],
  ])('answers SUBSCRIBE with %s with -32602', async (_name, params) => {
    const s = await start();
    const { client } = await openSession(s);
    expect((await client.request('SUBSCRIBE', params))['error']).toMatchObject({ code: -32602 });
    expect((await client.request('UNSUBSCRIBE', params))['error']).toMatchObject({ code: -32602 });
    expect(s.sessions()[0]?.subscriptions).toEqual([]);
  });

  it('subscribes thousands of streams in one request', async () => {
    const s = await start();
    const { client } = await openSession(s);
    const names = Array.from({ length: 5_000 }, (_, index) => `sym${index}@trade`);
    expect(await client.call('SUBSCRIBE', names)).toBeNull();
    expect(s.subscribedStreams()).toHaveLength(5_000);
    expect(s.publish('sym4999@trade', 'last')).toBe(1);
  });
});

describe('frames', () => {
  it.each(['json', 'msgpack', 'bson'] as const)('delivers frames of every length class and multibyte text intact (%s)', async (format) => {
    const s = await start();
    const { client } = await openSession(s, { protocols: PROTOCOLS[format] });
    const sizes = [0, 100, 125, 126, 1_000, 65_535, 65_536, 100_000];
    const payloads = sizes.map((size, index) => (index % 2 === 0 ? 'x'.repeat(size) : '€'.repeat(Math.ceil(size / 3)) + '😀'));
    for (const payload of payloads) expect(await client.call('ECHO', { payload })).toEqual({ payload });
    await client.call('SUBSCRIBE', ['a@trade']);
    for (const payload of payloads) s.publish('a@trade', payload);
    expect((await client.waitForStreamMessages(payloads.length)).map((message) => message.data)).toEqual(payloads);
  });

  it('keeps order across a burst larger than one write batch', async () => {
    const s = await start();
    const { client } = await openSession(s);
    await client.call('SUBSCRIBE', ['a@trade', 'b@trade']);
    const response = client.request('ECHO', 'after-burst');
    for (let index = 0; index < 6_000; index++) s.publish(index % 2 === 0 ? 'a@trade' : 'b@trade', { index, padding: 'y'.repeat(100) });
    expect((await response)['result']).toBe('after-burst');
    const messages = await client.waitForStreamMessages(6_000, 5_000);
    expect(messages.map((message) => message.seq)).toEqual(Array.from({ length: 6_000 }, (_, index) => index + 1));
    expect(messages.every((message, index) => (message.data as { index: number }).index === index)).toBe(true);
  });
});

describe('UNSUBSCRIBE', () => {
  it('stops the stream; unknown names are not an error', async () => {
    const s = await start();
    const { client } = await openSession(s);
    await client.call('SUBSCRIBE', ['a@trade', 'b@trade']);
    expect(await client.call('UNSUBSCRIBE', ['a@trade', 'never@subscribed', 'unknown@x'])).toBeNull();
    expect(s.publish('a@trade', 'gone')).toBe(0);
    expect(s.publish('b@trade', 'kept')).toBe(1);
    expect(await client.waitForStreamMessages(1)).toEqual([{ stream: 'b@trade', data: 'kept', seq: 1 }]);
    expect(s.sessions()[0]?.subscriptions).toEqual(['b@trade']);
    expect(s.hasSubscribers('a@trade')).toBe(false);
  });
});

describe('server events', () => {
  it('sends {event, data} to initialized connections', async () => {
    const s = await start();
    const { client } = await openSession(s);
    expect(s.sendEvent('maintenance', { at: 1 })).toBe(1);
    expect(s.sendEvent('bare')).toBe(1);
    expect(await client.waitFor((packet) => packet['event'] === 'bare')).toEqual({ event: 'bare' });
    expect(client.packets.find((packet) => packet['event'] === 'maintenance')).toEqual({ event: 'maintenance', data: { at: 1 } });
  });
});
