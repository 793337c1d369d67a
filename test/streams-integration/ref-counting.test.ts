import type { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/session-harness.js';
import { streamFixtures } from './fixtures.js';
import { barrier, collect, connect, namesOf, requests, serverSubscriptions, untilServerHolds } from './helpers.js';

const STREAM = 'btcusdt@trade';

describe.each(streamFixtures)('$name: ref counting', (fixture) => {
  const { subscribe: SUBSCRIBE, unsubscribe: UNSUBSCRIBE } = fixture.methods;

  it('ten observers of one name cause one subscribe; all ten leaving cause one unsubscribe', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    const trades = session.stream<{ n: number }>(STREAM);

    // Five in the same tick, five more one macrotask apart once the subscription is confirmed.
    const observers = Array.from({ length: 5 }, () => collect(trades));
    await untilServerHolds(server, session, [STREAM]);
    for (let i = 0; i < 5; i++) {
      observers.push(collect(trades));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await barrier(session);
    expect(session.streamState(STREAM)).toBe('active');

    expect(requests(server, SUBSCRIBE)).toHaveLength(1);
    expect(namesOf(requests(server, SUBSCRIBE)[0]!)).toEqual([STREAM]);

    server.publish(STREAM, { n: 1 });
    await eventually(() => observers.every((observer) => observer.values.length === 1), 'every observer to get the message', 2_000);
    for (const observer of observers) expect(observer.values).toEqual([{ n: 1 }]);

    // Leaving one by one, in separate ticks: only the last one leaving matters.
    for (const observer of observers.slice(0, 9)) {
      observer.subscription.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await barrier(session);
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(0);
    expect(serverSubscriptions(server, session)).toEqual(new Set([STREAM]));

    observers[9]!.subscription.unsubscribe();
    await untilServerHolds(server, session, []);
    await barrier(session);
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(1);
    expect(namesOf(requests(server, UNSUBSCRIBE)[0]!)).toEqual([STREAM]);
    expect(requests(server, SUBSCRIBE)).toHaveLength(1);
    expect(server.subscribedStreams()).toEqual([]);
    expect(session.streamState(STREAM)).toBe('inactive');
    for (const observer of observers) expect(observer.errors).toEqual([]);
  });

  it('a same-tick re-mount of an active stream sends neither unsubscribe nor subscribe', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    const trades = session.stream<{ n: number }>(STREAM);
    let mounted: Subscription = trades.subscribe();
    await untilServerHolds(server, session, [STREAM]);
    await barrier(session);

    const seen: unknown[] = [];
    for (let remount = 0; remount < 3; remount++) {
      mounted.unsubscribe();
      mounted = trades.subscribe((value) => seen.push(value));
      await barrier(session);
    }

    expect(requests(server, UNSUBSCRIBE)).toHaveLength(0);
    expect(requests(server, SUBSCRIBE)).toHaveLength(1);
    expect(session.streamState(STREAM)).toBe('active');
    server.publish(STREAM, { n: 7 });
    await eventually(() => seen.length === 1, 'the re-mounted observer to get the message', 2_000);
    expect(seen).toEqual([{ n: 7 }]);
    mounted.unsubscribe();
  });

  it('observing and leaving within one tick sends nothing at all', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    const passing = session.stream('ethusdt@trade').subscribe();
    passing.unsubscribe();
    await barrier(session);
    expect(requests(server, SUBSCRIBE)).toHaveLength(0);
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(0);
    expect(session.streamState('ethusdt@trade')).toBe('inactive');
  });

  it('with unsubscribeLingerMs, a stream observed again within the linger is kept; the others go in one unsubscribe', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server, { unsubscribeLingerMs: 300 });
    const names = ['a@trade', 'b@trade', 'c@trade'];
    const held = names.map((name) => session.stream(name).subscribe());
    await untilServerHolds(server, session, names);
    for (const subscription of held) subscription.unsubscribe();
    await barrier(session);
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(0);
    const back = collect(session.stream<number>('a@trade'));
    await untilServerHolds(server, session, ['a@trade']);
    await barrier(session);
    expect(requests(server, UNSUBSCRIBE).map(namesOf)).toEqual([['b@trade', 'c@trade']]);
    expect(requests(server, SUBSCRIBE)).toHaveLength(1);
    server.publish('a@trade', 1);
    await eventually(() => back.values.length === 1, 'the kept stream to flow', 2_000);
    // Closing while a linger is still running must not hang.
    back.subscription.unsubscribe();
    await session.close();
  });

  it('a stream observed again after its unsubscribe went out is subscribed again, once', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    const first = session.stream(STREAM).subscribe();
    await untilServerHolds(server, session, [STREAM]);
    first.unsubscribe();
    await untilServerHolds(server, session, []);
    const second = collect(session.stream<{ n: number }>(STREAM));
    await untilServerHolds(server, session, [STREAM]);
    await barrier(session);
    expect(requests(server, SUBSCRIBE)).toHaveLength(2);
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(1);
    server.publish(STREAM, { n: 2 });
    await eventually(() => second.values.length === 1, 'the new observer to get the message', 2_000);
    second.subscription.unsubscribe();
  });
});
