import { describe, expect, it } from 'vitest';
import { codecFactory } from '../../src/codecs/index.js';
import { CODEC_NAMES } from '../../src/node.js';
import type { TestServer } from '../../src/testing/index.js';
import { eventually, waitForNextState, waitForState } from '../helpers/session-harness.js';
import { referenceFixture, streamFixtures, withFeature } from './fixtures.js';
import { barrier, collect, connect, namesOf, requests, serverSubscriptions, sorted, untilServerHolds, type TestSession } from './helpers.js';

interface Numbered {
  /** Global publication number: equals the server's seq, since one session is subscribed to every stream published. */
  readonly k: number;
  /** Per-stream number, 1, 2, 3, … */
  readonly n: number;
}

/** Publishes round-robin to `streams`, numbering each message globally and per stream. */
class Publisher {
  published = 0;
  readonly perStream = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly server: TestServer,
    private readonly streams: readonly string[],
  ) {}

  publish(count: number): void {
    for (let i = 0; i < count; i++) {
      const stream = this.streams[this.published % this.streams.length]!;
      const n = (this.perStream.get(stream) ?? 0) + 1;
      this.perStream.set(stream, n);
      this.published++;
      // Every message must reach the one subscribed session (live or held), or k and seq drift apart.
      expect(this.server.publish(stream, { k: this.published, n } satisfies Numbered)).toBe(1);
    }
  }

  start(batch: number): void {
    this.timer = setInterval(() => this.publish(batch), 1);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function sessionIdOf(session: TestSession): string | undefined {
  return session.states.at(-1)?.sessionId;
}

describe.each(withFeature('resume'))('$name: resume with replay', (fixture) => {
  const { subscribe: SUBSCRIBE, unsubscribe: UNSUBSCRIBE } = fixture.methods;

  it.each(CODEC_NAMES)('%s: loses nothing, duplicates nothing, keeps order, and re-subscribes nothing', async (codec) => {
    const server = await fixture.startServer({ resumeWindowMs: 5_000 });
    const session = await connect(fixture, server, { codecs: [codecFactory(codec)] });
    const gaps: (readonly string[])[] = [];
    session.gaps$.subscribe((names) => gaps.push(names));
    const streams = ['btcusdt@trade', 'ethusdt@trade', 'solusdt@depth'];
    const observers = new Map(streams.map((name) => [name, collect(session.stream<Numbered>(name))]));
    await untilServerHolds(server, session, streams);
    const sessionId = sessionIdOf(session);
    const subscribesBefore = requests(server, SUBSCRIBE).length;
    const received = () => [...observers.values()].reduce((sum, observer) => sum + observer.values.length, 0);

    const publisher = new Publisher(server, streams);
    try {
      publisher.start(3);
      await eventually(() => received() >= 60, 'messages before the drop', 3_000);

      const resumedAgain = waitForNextState(session, 'resuming');
      expect(server.faults.dropConnection()).toBe(1);
      // Published while the connection is gone: only the replay can deliver these.
      publisher.publish(90);
      const publishedWhileDown = publisher.published;
      await resumedAgain;
      await waitForState(session, 'authorized');
      expect(session.states.at(-1)?.resumed).toBe(true);
      await eventually(() => received() >= publishedWhileDown + 30, 'messages after the resume', 3_000);
    } finally {
      publisher.stop();
    }
    const total = publisher.published;
    await eventually(() => received() >= total, `all ${total} messages`, 3_000);
    await barrier(session);

    // Per stream: 1, 2, 3, … with no gap and no repeat.
    for (const [name, observer] of observers) {
      const count = publisher.perStream.get(name) ?? 0;
      expect(observer.values.map((value) => value.n), name).toEqual(Array.from({ length: count }, (_, index) => index + 1));
      expect(observer.errors).toEqual([]);
    }
    // Across streams: every seq from 1 to the server's last one, exactly once, each stream in seq order.
    const seqs = [...observers.values()].flatMap((observer) => observer.values.map((value) => value.k));
    expect(sorted(seqs)).toEqual(Array.from({ length: total }, (_, index) => index + 1));
    for (const observer of observers.values()) {
      const ks = observer.values.map((value) => value.k);
      expect(ks).toEqual(sorted(ks));
    }
    const serverSession = server.session(sessionId ?? '');
    expect(serverSession?.lastSeq).toBe(total);
    expect(serverSession?.resumeCount).toBe(1);

    // Same session, same subscriptions: nothing re-subscribed, nothing unsubscribed, no gap announced.
    expect(sessionIdOf(session)).toBe(sessionId);
    expect(requests(server, SUBSCRIBE)).toHaveLength(subscribesBefore);
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(0);
    expect(gaps).toEqual([]);
    expect(serverSubscriptions(server, session)).toEqual(new Set(streams));
    for (const name of streams) expect(session.streamState(name)).toBe('active');
  });

  it('sends the changes made while disconnected, and only those, after the resume', async () => {
    const server = await fixture.startServer({ resumeWindowMs: 5_000 });
    const session = await connect(fixture, server, { reconnect: { initialDelayMs: 100, maxDelayMs: 100 } });
    const kept = session.stream('btcusdt@trade').subscribe();
    const left = session.stream('ethusdt@trade').subscribe();
    await untilServerHolds(server, session, ['btcusdt@trade', 'ethusdt@trade']);
    server.clearRecords();

    const down = waitForNextState(session, 'reconnecting');
    server.faults.dropConnection();
    await down;
    left.unsubscribe();
    const added = collect(session.stream('solusdt@trade'));
    await waitForState(session, 'authorized');
    expect(session.states.at(-1)?.resumed).toBe(true);
    await untilServerHolds(server, session, ['btcusdt@trade', 'solusdt@trade']);
    await barrier(session);
    expect(requests(server, SUBSCRIBE).map(namesOf)).toEqual([['solusdt@trade']]);
    expect(requests(server, UNSUBSCRIBE).map(namesOf)).toEqual([['ethusdt@trade']]);
    server.publish('solusdt@trade', 1);
    await eventually(() => added.values.length === 1, 'the stream added while disconnected to flow', 2_000);
    kept.unsubscribe();
  });
});

/** Observes `streams`, one observer each, and returns the collectors by name. */
function observeAll(session: TestSession, streams: readonly string[]) {
  return new Map(streams.map((name) => [name, collect(session.stream<number>(name))]));
}

describe.each(withFeature('resume'))('$name: resume rejected', (fixture) => {
  const { subscribe: SUBSCRIBE, unsubscribe: UNSUBSCRIBE } = fixture.methods;

  const causes = [
    { cause: 'the server lost the session', serverOptions: {}, beforeDrop: (server: TestServer) => server.faults.rejectNextResume(), whileDown: () => {} },
    {
      cause: 'more was missed than the replay buffer holds',
      serverOptions: { replayBufferSize: 5 },
      beforeDrop: () => {},
      whileDown: (server: TestServer) => {
        for (let n = 0; n < 20; n++) server.publish('btcusdt@trade', -1);
      },
    },
  ];

  it.each(causes)('$cause: re-subscribes every observed stream once, in one batch, and names exactly the subscribed ones on gaps$', async ({ serverOptions, beforeDrop, whileDown }) => {
    const server = await fixture.startServer(serverOptions);
    const session = await connect(fixture, server, { reconnect: { initialDelayMs: 100, maxDelayMs: 100 } });
    const gaps: (readonly string[])[] = [];
    session.gaps$.subscribe((names) => gaps.push(names));
    const observers = observeAll(session, ['btcusdt@trade', 'ethusdt@trade', 'xrpusdt@trade']);
    await untilServerHolds(server, session, observers.keys());
    const oldSessionId = sessionIdOf(session);
    server.clearRecords();

    beforeDrop(server);
    const down = waitForNextState(session, 'reconnecting');
    server.faults.dropConnection();
    await down;
    whileDown(server);
    // While disconnected: one stream loses its observer, one new stream gains one.
    observers.get('xrpusdt@trade')!.subscription.unsubscribe();
    const added = collect(session.stream<number>('solusdt@trade'));

    await waitForState(session, 'authorized');
    expect(session.states.at(-1)?.resumed).toBe(false);
    expect(sessionIdOf(session)).not.toBe(oldSessionId);
    await untilServerHolds(server, session, ['btcusdt@trade', 'ethusdt@trade', 'solusdt@trade']);
    await barrier(session);

    const subscribes = requests(server, SUBSCRIBE);
    expect(subscribes).toHaveLength(1);
    expect(sorted(namesOf(subscribes[0]!))).toEqual(['btcusdt@trade', 'ethusdt@trade', 'solusdt@trade']);
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(0);
    expect(gaps.map((names) => sorted(names))).toEqual([['btcusdt@trade', 'ethusdt@trade']]);

    server.publish('btcusdt@trade', 1);
    server.publish('ethusdt@trade', 2);
    server.publish('solusdt@trade', 3);
    await eventually(() => observers.get('btcusdt@trade')!.values.length === 1 && observers.get('ethusdt@trade')!.values.length === 1 && added.values.length === 1, 'streams to flow on the fresh session', 2_000);
    expect(observers.get('btcusdt@trade')!.values).toEqual([1]);
    expect(added.values).toEqual([3]);
    for (const observer of [...observers.values(), added]) expect(observer.errors).toEqual([]);
    expect(session.streamState('btcusdt@trade')).toBe('active');
  });
});

describe.each(withFeature('restart'))('$name: server restart', (fixture) => {
  const { subscribe: SUBSCRIBE, unsubscribe: UNSUBSCRIBE } = fixture.methods;

  it('starts a fresh session, re-subscribes every observed stream once in one batch, and gaps$ names them', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    const gaps: (readonly string[])[] = [];
    session.gaps$.subscribe((names) => gaps.push(names));
    const streams = Array.from({ length: 50 }, (_, index) => `pair${index}@trade`);
    const observers = observeAll(session, streams);
    const gone = session.stream('gone@trade').subscribe();
    await untilServerHolds(server, session, [...streams, 'gone@trade']);
    gone.unsubscribe();
    await untilServerHolds(server, session, streams);
    // Every message of the old session arrives first, so the replacement is what the test sees.
    server.publish('pair0@trade', 0);
    await eventually(() => observers.get('pair0@trade')!.values.length === 1, 'a message on the old session', 2_000);
    const oldSessions = new Set(server.sessions().map((info) => info.sessionId));
    server.clearRecords();

    const replaced = waitForNextState(session, 'authorized');
    await server.faults.restart();
    await replaced;
    expect(session.states.at(-1)?.resumed).toBe(false);
    expect(session.states.some((state) => state.lastClose?.code === 1012)).toBe(true);
    const live = server.sessions().filter((info) => info.connected);
    expect(live).toHaveLength(1);
    expect(oldSessions.has(live[0]!.sessionId)).toBe(false);
    if ('balancer' in fixture.sessionOptions(server)) expect(server.balancerRequests()).toHaveLength(1);
    await untilServerHolds(server, session, streams);
    await barrier(session);

    expect(requests(server, SUBSCRIBE)).toHaveLength(1);
    expect(sorted(namesOf(requests(server, SUBSCRIBE)[0]!))).toEqual(sorted(streams));
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(0);
    expect(gaps.map((names) => sorted(names))).toEqual([sorted(streams)]);

    for (const name of streams) server.publish(name, 1);
    await eventually(() => [...observers.values()].every((observer) => observer.values.at(-1) === 1), 'every stream to flow again', 2_000);
    for (const observer of observers.values()) expect(observer.errors).toEqual([]);
  });
});

describe.each(streamFixtures)('$name: requests in flight at a drop', (fixture) => {
  const { subscribe: SUBSCRIBE, unsubscribe: UNSUBSCRIBE } = fixture.methods;

  /** Observes a and b (confirmed), then c, whose subscribe the server swallows; resolves once it was sent. */
  async function withSubscribeInFlight(session: TestSession, server: TestServer) {
    const settled = observeAll(session, ['a@trade', 'b@trade']);
    await untilServerHolds(server, session, ['a@trade', 'b@trade']);
    server.faults.ignoreRequests({ methods: [SUBSCRIBE], times: 1 });
    const inFlight = collect(session.stream<number>('c@trade'));
    await server.waitForPacket((packet) => packet.method === SUBSCRIBE && namesOf(packet).includes('c@trade'));
    server.clearRecords();
    return { settled, inFlight };
  }

  it('on a fresh session, a subscribe that was in flight joins the one re-subscribe batch', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server, { reconnect: { initialDelayMs: 50, maxDelayMs: 50 } });
    const gaps: (readonly string[])[] = [];
    session.gaps$.subscribe((names) => gaps.push(names));
    const { settled, inFlight } = await withSubscribeInFlight(session, server);

    if (fixture.features.resume) server.faults.rejectNextResume();
    const down = waitForNextState(session, 'reconnecting');
    server.faults.dropConnection();
    await down;
    await waitForState(session, 'authorized');
    await untilServerHolds(server, session, ['a@trade', 'b@trade', 'c@trade']);
    await barrier(session);

    expect(requests(server, SUBSCRIBE).map((packet) => sorted(namesOf(packet)))).toEqual([['a@trade', 'b@trade', 'c@trade']]);
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(0);
    // c may have been subscribed on the old session before the drop: it may have missed messages too.
    expect(gaps.map((names) => sorted(names))).toEqual([['a@trade', 'b@trade', 'c@trade']]);
    server.publish('c@trade', 3);
    await eventually(() => inFlight.values.length === 1, 'c to flow', 2_000);
    for (const observer of [...settled.values(), inFlight]) expect(observer.errors).toEqual([]);
  });

  it('on a fresh session, a stream whose subscribe was in flight and whose observer left meanwhile is not sent at all', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server, { reconnect: { initialDelayMs: 50, maxDelayMs: 50 } });
    const { inFlight } = await withSubscribeInFlight(session, server);

    if (fixture.features.resume) server.faults.rejectNextResume();
    const down = waitForNextState(session, 'reconnecting');
    server.faults.dropConnection();
    await down;
    inFlight.subscription.unsubscribe();
    await waitForState(session, 'authorized');
    await untilServerHolds(server, session, ['a@trade', 'b@trade']);
    await barrier(session);

    expect(requests(server, SUBSCRIBE).map((packet) => sorted(namesOf(packet)))).toEqual([['a@trade', 'b@trade']]);
    expect(requests(server, UNSUBSCRIBE)).toHaveLength(0);
    expect(session.streamState('c@trade')).toBe('inactive');
  });
});

describe.each(withFeature('resume'))('$name: requests in flight at a resumed drop', (fixture) => {
  it('a stream whose subscribe was in flight and whose observer left while disconnected is only unsubscribed', async () => {
    const { subscribe: SUBSCRIBE, unsubscribe: UNSUBSCRIBE } = fixture.methods;
    const server = await fixture.startServer({ resumeWindowMs: 5_000 });
    const session = await connect(fixture, server, { reconnect: { initialDelayMs: 50, maxDelayMs: 50 } });
    const settled = observeAll(session, ['a@trade']);
    await untilServerHolds(server, session, ['a@trade']);
    // Handled by the server, answer lost with the connection: the client cannot know which.
    server.faults.ignoreRequests({ methods: [SUBSCRIBE], times: 1 });
    const inFlight = collect(session.stream('c@trade'));
    await server.waitForPacket((packet) => packet.method === SUBSCRIBE && namesOf(packet).includes('c@trade'));
    server.clearRecords();

    const down = waitForNextState(session, 'reconnecting');
    server.faults.dropConnection();
    await down;
    inFlight.subscription.unsubscribe();
    await waitForState(session, 'authorized');
    expect(session.states.at(-1)?.resumed).toBe(true);
    await barrier(session);
    await untilServerHolds(server, session, ['a@trade']);

    expect(requests(server, SUBSCRIBE)).toHaveLength(0);
    expect(requests(server, UNSUBSCRIBE).map(namesOf)).toEqual([['c@trade']]);
    expect(settled.get('a@trade')!.errors).toEqual([]);
  });
});

describe('reference: a drop while the replacement session is being authorized', () => {
  const fixture = referenceFixture;

  it.each([0, 3])('after %i messages: the streams are re-subscribed on the session that ends up authorized, gaps$ names them once, and they flow', async (messagesBefore) => {
    const server = await fixture.startServer({ auth: { licenses: ['L-1'] } });
    const session = await connect(fixture, server, { auth: { license: 'L-1' } });
    const gaps: (readonly string[])[] = [];
    session.gaps$.subscribe((names) => gaps.push(names));
    const trades = collect(session.stream<number>('btcusdt@trade'));
    await untilServerHolds(server, session, ['btcusdt@trade']);
    for (let n = 1; n <= messagesBefore; n++) server.publish('btcusdt@trade', n);
    await eventually(() => trades.values.length === messagesBefore, 'the messages before the restart', 2_000);

    // The replacement session's AUTHORIZE goes unanswered and its connection drops: the client resumes
    // a server session that was never authorized and holds no subscriptions.
    server.faults.ignoreRequests({ methods: ['AUTHORIZE'], times: 1 });
    const sessionsBefore = server.stats().sessionsCreated;
    server.clearRecords();
    const authorizeSeen = server.waitForPacket((packet) => packet.method === 'AUTHORIZE', 3_000);
    await server.faults.restart();
    await authorizeSeen;
    expect(server.faults.dropConnection()).toBe(1);
    await eventually(() => server.sessions().some((info) => info.connected && info.authorized && info.subscriptions.includes('btcusdt@trade')), 'an authorized server session holding the stream', 3_000);
    await waitForState(session, 'authorized');
    await barrier(session);

    expect(serverSubscriptions(server, session)).toEqual(new Set(['btcusdt@trade']));
    expect(gaps).toEqual([['btcusdt@trade']]);
    // The replacement session is resumed, not discarded for a lastSeq of the session before it.
    const resumeInitialize = requests(server, 'INITIALIZE').at(-1)?.packet as { params?: { lastSeq?: number } } | undefined;
    expect(resumeInitialize?.params?.lastSeq).toBe(0);
    expect(server.stats().sessionsCreated).toBe(sessionsBefore + 1);
    server.publish('btcusdt@trade', 100);
    await eventually(() => trades.values.at(-1) === 100, 'the stream to flow on the new session', 2_000);
    expect(trades.values).toEqual([...Array.from({ length: messagesBefore }, (_, index) => index + 1), 100]);
    expect(trades.errors).toEqual([]);
    expect(session.streamState('btcusdt@trade')).toBe('active');
  });
});
