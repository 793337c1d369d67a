import { describe, expect, it } from 'vitest';
import { eventually, openSession, waitForState } from '../helpers/session-harness.js';
import { streamFixtures } from './fixtures.js';
import { barrier, collect, connect, namesOf, requests, serverSubscriptions, untilServerHolds } from './helpers.js';

const names = (count: number, kind: string) => Array.from({ length: count }, (_, index) => `s${String(index).padStart(5, '0')}@${kind}`);

describe.each(streamFixtures)('$name: batching', (fixture) => {
  const { subscribe: SUBSCRIBE, unsubscribe: UNSUBSCRIBE } = fixture.methods;

  it('5,000 streams observed before the session connects go out in a handful of packets and all reach the server', async () => {
    const server = await fixture.startServer();
    const session = openSession({ ...fixture.sessionOptions(server) });
    const wanted = names(5_000, 'trade');
    const subscriptions = wanted.map((name) => session.stream(name).subscribe());
    await waitForState(session, 'authorized');
    await untilServerHolds(server, session, wanted, 5_000);
    await barrier(session);

    const packets = requests(server, SUBSCRIBE);
    expect(packets.length).toBeGreaterThan(0);
    expect(packets.length).toBeLessThanOrEqual(5);
    const sent = packets.flatMap(namesOf);
    expect(sent).toHaveLength(5_000);
    expect(new Set(sent).size).toBe(5_000);
    expect(serverSubscriptions(server, session)?.size).toBe(5_000);
    expect(wanted.every((name) => session.streamState(name) === 'active')).toBe(true);

    // Leaving all of them at once is one batch too.
    for (const subscription of subscriptions) subscription.unsubscribe();
    await untilServerHolds(server, session, [], 5_000);
    const unsubscribes = requests(server, UNSUBSCRIBE);
    expect(unsubscribes.length).toBeLessThanOrEqual(5);
    expect(unsubscribes.flatMap(namesOf).sort()).toEqual([...wanted].sort());
  });

  it('observed while authorized, changes of one tick go out as one packet per kind', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    const first = names(300, 'depth');
    const held = first.map((name) => session.stream(name).subscribe());
    await untilServerHolds(server, session, first);
    expect(requests(server, SUBSCRIBE)).toHaveLength(1);

    // One tick: leave the first 100, observe 200 new ones.
    const added = names(500, 'depth').slice(300);
    for (const subscription of held.slice(0, 100)) subscription.unsubscribe();
    const addedSubscriptions = added.map((name) => session.stream(name).subscribe());
    await untilServerHolds(server, session, [...first.slice(100), ...added]);
    await barrier(session);
    expect(requests(server, SUBSCRIBE)).toHaveLength(2);
    expect(namesOf(requests(server, SUBSCRIBE)[1]!)).toEqual(added);
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(1);
    expect(namesOf(requests(server, UNSUBSCRIBE)[0]!)).toEqual(first.slice(0, 100));
    for (const subscription of [...held, ...addedSubscriptions]) subscription.unsubscribe();
  });

  it('a batch over the message size limit is split further, without losing a name or bothering errors$', async () => {
    const server = await fixture.startServer();
    const session = openSession({ ...fixture.sessionOptions(server) });
    // 1,000 names of ~190 characters make a packet of ~190 KiB, above the 128 KiB limit.
    const wanted = Array.from({ length: 2_000 }, (_, index) => `${'x'.repeat(180)}${String(index).padStart(5, '0')}@trade`);
    const observers = wanted.map((name) => collect(session.stream(name)));
    await waitForState(session, 'authorized');
    await untilServerHolds(server, session, wanted, 5_000);
    await barrier(session);
    const packets = requests(server, SUBSCRIBE);
    expect(packets.length).toBeGreaterThan(2);
    expect(packets.length).toBeLessThanOrEqual(8);
    expect(packets.flatMap(namesOf)).toHaveLength(2_000);
    expect(observers.every((observer) => observer.errors.length === 0)).toBe(true);
    expect(session.reportedErrors).toEqual([]);
    for (const observer of observers) observer.subscription.unsubscribe();
    await untilServerHolds(server, session, [], 5_000);
  });

  it('splits at maxStreamsPerPacket', async () => {
    const server = await fixture.startServer();
    const session = openSession({ ...fixture.sessionOptions(server), maxStreamsPerPacket: 40 });
    const wanted = names(100, 'kline');
    const subscriptions = wanted.map((name) => session.stream(name).subscribe());
    await waitForState(session, 'authorized');
    await untilServerHolds(server, session, wanted);
    expect(requests(server, SUBSCRIBE).map((packet) => namesOf(packet).length)).toEqual([40, 40, 20]);
    for (const subscription of subscriptions) subscription.unsubscribe();
  });
});

describe.each(streamFixtures)('$name: routing', (fixture) => {
  it('with 10,000 streams, each observer gets exactly its own stream\'s messages, in order', async () => {
    const server = await fixture.startServer();
    const session = openSession({ ...fixture.sessionOptions(server) });
    const all = names(10_000, 'trade');
    const observers = new Map(all.map((name) => [name, collect(session.stream<{ stream: string; n: number }>(name))]));
    await waitForState(session, 'authorized');
    await untilServerHolds(server, session, all, 5_000);

    // Every seventh stream gets a message, every 21st three: 1,429 streams, 3,333 messages.
    const expected = new Map<string, number>();
    let total = 0;
    for (let round = 0; round < 3; round++) {
      all.forEach((name, index) => {
        if (index % 7 !== 0 || (round > 0 && index % 21 !== 0)) return;
        const n = (expected.get(name) ?? 0) + 1;
        expected.set(name, n);
        server.publish(name, { stream: name, n });
        total++;
      });
    }
    let received = 0;
    await eventually(
      () => {
        received = 0;
        for (const observer of observers.values()) received += observer.values.length;
        return received >= total;
      },
      `${total} messages to arrive`,
      5_000,
    );
    await barrier(session);

    for (const [name, observer] of observers) {
      const count = expected.get(name) ?? 0;
      expect(observer.values, name).toEqual(Array.from({ length: count }, (_, index) => ({ stream: name, n: index + 1 })));
      expect(observer.errors).toEqual([]);
    }
    for (const observer of observers.values()) observer.subscription.unsubscribe();
  });

  it('two names that differ only in a suffix never see each other\'s messages', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    const trade = collect(session.stream('btcusdt@trade'));
    const tradeFast = collect(session.stream('btcusdt@trade@100ms'));
    await untilServerHolds(server, session, ['btcusdt@trade', 'btcusdt@trade@100ms']);
    server.publish('btcusdt@trade@100ms', 'fast');
    server.publish('btcusdt@trade', 'plain');
    await eventually(() => trade.values.length + tradeFast.values.length === 2, 'both messages', 2_000);
    expect(trade.values).toEqual(['plain']);
    expect(tradeFast.values).toEqual(['fast']);
  });
});
