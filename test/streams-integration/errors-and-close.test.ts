import { config, firstValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { codecFactory } from '../../src/codecs/index.js';
import { CODEC_NAMES, ConnectionClosedError, DecodeError, SessionClosedError, SubscribeError, UnauthorizedError } from '../../src/node.js';
import { eventually, openSession, waitForNextState } from '../helpers/session-harness.js';
import { referenceFixture, streamFixtures, withFeature } from './fixtures.js';
import { barrier, collect, connect, finished, requests, serverSubscriptions, untilServerHolds } from './helpers.js';

describe.each(withFeature('refusesUnknownNames'))('$name: subscribe error isolation', (fixture) => {
  it('a refused name errors only its own observers, with a SubscribeError naming it; the good name in the same batch flows', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    // One tick: both names go out in the same subscribe packet, which the server refuses as a whole.
    const good = [collect(session.stream<number>('btcusdt@trade')), collect(session.stream<number>('btcusdt@trade'))];
    const bad = [collect(session.stream<number>('unknown@trade')), collect(session.stream<number>('unknown@trade'))];
    await eventually(() => bad.every(finished), 'the refused stream\'s observers to error', 2_000);
    await untilServerHolds(server, session, ['btcusdt@trade']);
    await barrier(session);

    expect(requests(server, fixture.methods.subscribe)[0]?.packet).toMatchObject({ params: ['btcusdt@trade', 'unknown@trade'] });
    for (const observer of bad) {
      expect(observer.errors).toHaveLength(1);
      const error = observer.errors[0];
      expect(error).toBeInstanceOf(SubscribeError);
      expect((error as SubscribeError).stream).toBe('unknown@trade');
      expect((error as SubscribeError).serverCode).toBe(404);
      expect((error as SubscribeError).serverMessage).toContain('unknown@trade');
      expect(observer.completed).toBe(false);
    }
    expect(session.streamState('unknown@trade')).toBe('failed');
    expect(session.streamState('btcusdt@trade')).toBe('active');
    expect(session.states.at(-1)?.value).toBe('authorized');

    server.publish('btcusdt@trade', 42);
    await eventually(() => good.every((observer) => observer.values.length === 1), 'the good stream to flow', 2_000);
    for (const observer of good) {
      expect(observer.values).toEqual([42]);
      expect(observer.errors).toEqual([]);
      expect(observer.completed).toBe(false);
    }
  });

  it('a refused name can be observed again later: a new attempt, refused again, still isolated', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    const good = collect(session.stream<number>('ethusdt@trade'));
    const first = collect(session.stream('unknown-stream'));
    await eventually(() => finished(first), 'the first refusal', 2_000);
    const second = collect(session.stream('unknown-stream'));
    expect(session.streamState('unknown-stream')).toBe('subscribing');
    await eventually(() => finished(second), 'the second refusal', 2_000);
    expect(second.errors[0]).toBeInstanceOf(SubscribeError);
    expect(first.errors).toHaveLength(1);
    await untilServerHolds(server, session, ['ethusdt@trade']);
    server.publish('ethusdt@trade', 1);
    await eventually(() => good.values.length === 1, 'the good stream to flow', 2_000);
    expect(good.errors).toEqual([]);
  });
});

describe.each(streamFixtures)('$name: completion on close', (fixture) => {
  it('a clean close() completes every stream (active or still subscribing) and gaps$; later observers get SessionClosedError', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    const active = [collect(session.stream('btcusdt@trade')), collect(session.stream('btcusdt@trade')), collect(session.stream('ethusdt@trade'))];
    await untilServerHolds(server, session, ['btcusdt@trade', 'ethusdt@trade']);
    // One more whose subscribe is never answered: it must not hang either.
    server.faults.ignoreRequests({ methods: [fixture.methods.subscribe] });
    const pending = collect(session.stream('solusdt@trade'));
    await server.waitForPacket((packet) => packet.method === fixture.methods.subscribe && JSON.stringify(packet.packet).includes('solusdt'));
    expect(session.streamState('solusdt@trade')).toBe('subscribing');
    const gapsDone = firstValueFrom(session.gaps$.pipe(toArray()));

    await session.close();
    await eventually(() => [...active, pending].every(finished), 'every stream to finish', 2_000);
    for (const observer of [...active, pending]) {
      expect(observer.completed).toBe(true);
      expect(observer.errors).toEqual([]);
    }
    await expect(gapsDone).resolves.toEqual([]);
    const late = collect(session.stream('btcusdt@trade'));
    expect(late.errors[0]).toBeInstanceOf(SessionClosedError);
  });

  it('a clean close() while the connection is down completes every stream at once', async () => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server, { reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000 } });
    const observers = [collect(session.stream('btcusdt@trade')), collect(session.stream('ethusdt@trade'))];
    await untilServerHolds(server, session, ['btcusdt@trade', 'ethusdt@trade']);
    const down = waitForNextState(session, 'reconnecting');
    server.faults.dropConnection();
    await down;
    const closing = session.close();
    await Promise.race([closing, new Promise((_, reject) => setTimeout(() => reject(new Error('close() did not resolve')), 2_000))]);
    for (const observer of observers) {
      expect(observer.completed).toBe(true);
      expect(observer.errors).toEqual([]);
    }
  });

  it('a fatal close (4000) errors every stream with the reason', async () => {
    const server = await fixture.startServer();
    // Fatal by default in the reference protocol; said explicitly so every dialect's table agrees.
    const session = await connect(fixture, server, { closeCodes: { 4000: 'fatal' } });
    const observers = [collect(session.stream('btcusdt@trade')), collect(session.stream('btcusdt@trade')), collect(session.stream('ethusdt@trade'))];
    await untilServerHolds(server, session, ['btcusdt@trade', 'ethusdt@trade']);

    server.faults.closeConnection('all', 4000, 'taken over');
    const reason = await Promise.race([session.closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the session did not close')), 3_000))]);
    expect(reason.code).toBe(4000);
    expect(reason.clientRequested).toBe(false);
    await eventually(() => observers.every(finished), 'every stream to finish', 2_000);
    for (const observer of observers) {
      expect(observer.completed).toBe(false);
      expect(observer.errors).toHaveLength(1);
      expect(observer.errors[0]).toBeInstanceOf(ConnectionClosedError);
      expect((observer.errors[0] as ConnectionClosedError).closeCode).toBe(4000);
      expect(observer.errors[0]).toBe(reason.error);
    }
  });
});

describe('reference: a session that never gets authorized', () => {
  it('errors the streams observed before it connected with the UnauthorizedError', async () => {
    const server = await referenceFixture.startServer({ auth: { licenses: ['good'] } });
    const session = openSession({ ...referenceFixture.sessionOptions(server), auth: { license: 'bad' } });
    const observers = [collect(session.stream('btcusdt@trade')), collect(session.stream('ethusdt@trade'))];
    const reason = await Promise.race([session.closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the session did not close')), 3_000))]);
    expect(reason.error).toBeInstanceOf(UnauthorizedError);
    for (const observer of observers) {
      expect(observer.errors).toEqual([reason.error]);
      expect(observer.completed).toBe(false);
    }
    expect(requests(server, referenceFixture.methods.subscribe)).toHaveLength(0);
  });
});

describe.each(streamFixtures)('$name: misbehaving observers', (fixture) => {
  const unhandled: unknown[] = [];
  const previous = config.onUnhandledError;
  afterEach(() => {
    config.onUnhandledError = previous;
    unhandled.length = 0;
  });

  it('an observer that throws and one that is slow do not break delivery to the others', async () => {
    config.onUnhandledError = (error) => unhandled.push(error);
    const server = await fixture.startServer();
    const session = await connect(fixture, server);
    const trades = session.stream<number>('btcusdt@trade');
    const before = collect(trades);
    trades.subscribe(() => {
      throw new Error('observer bug');
    });
    const slowSeen: number[] = [];
    trades.subscribe((value) => {
      const until = Date.now() + 2;
      while (Date.now() < until) {
        // A synchronous, slow consumer.
      }
      slowSeen.push(value);
    });
    const after = collect(trades);
    const other = collect(session.stream<number>('ethusdt@trade'));
    await untilServerHolds(server, session, ['btcusdt@trade', 'ethusdt@trade']);

    const count = 50;
    for (let n = 1; n <= count; n++) {
      server.publish('btcusdt@trade', n);
      server.publish('ethusdt@trade', -n);
    }
    const all = Array.from({ length: count }, (_, index) => index + 1);
    await eventually(() => after.values.length === count && other.values.length === count, 'every message to the well-behaved observers', 3_000);
    expect(before.values).toEqual(all);
    expect(after.values).toEqual(all);
    expect(slowSeen).toEqual(all);
    expect(other.values).toEqual(all.map((n) => -n));
    for (const observer of [before, after, other]) expect(observer.errors).toEqual([]);
    await eventually(() => unhandled.length === count, 'the thrown errors to be reported', 2_000);
    expect(unhandled.every((error) => error instanceof Error && error.message === 'observer bug')).toBe(true);
    expect(session.states.at(-1)?.value).toBe('authorized');
    expect(serverSubscriptions(server, session)).toEqual(new Set(['btcusdt@trade', 'ethusdt@trade']));
  });
});

describe.each(streamFixtures)('$name: decode error isolation', (fixture) => {
  it.each(CODEC_NAMES)('%s: an undecodable frame is reported as a DecodeError on errors$; streams keep flowing on the same connection', async (codec) => {
    const server = await fixture.startServer();
    const session = await connect(fixture, server, { codecs: [codecFactory(codec)] });
    const trades = collect(session.stream<number>('btcusdt@trade'));
    await untilServerHolds(server, session, ['btcusdt@trade']);
    server.publish('btcusdt@trade', 1);
    await eventually(() => trades.values.length === 1, 'the first message', 2_000);
    const statesBefore = session.states.length;
    const connectionsBefore = server.stats().connectionsOpened;

    expect(server.faults.sendGarbage()).toBe(1);
    server.publish('btcusdt@trade', 2);
    expect(server.faults.sendGarbage()).toBe(1);
    server.publish('btcusdt@trade', 3);
    await eventually(() => trades.values.length === 3, 'the messages around the garbage', 2_000);
    await barrier(session);

    expect(trades.values).toEqual([1, 2, 3]);
    expect(trades.errors).toEqual([]);
    const decodeErrors = session.reportedErrors.filter((error): error is DecodeError => error instanceof DecodeError);
    expect(decodeErrors).toHaveLength(2);
    // The codec in use (a dialect without negotiation may fall back to JSON).
    const negotiated = session.states.at(-1)?.codec;
    expect(decodeErrors.map((error) => error.codec)).toEqual([negotiated, negotiated]);
    expect(session.states.length).toBe(statesBefore);
    expect(session.states.at(-1)?.value).toBe('authorized');
    expect(server.stats().connectionsOpened).toBe(connectionsBefore);
  });
});
