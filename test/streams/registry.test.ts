import { config, type Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConnectionLostError,
  OptionsError,
  OversizeMessageError,
  RequestTimeoutError,
  ServerError,
  SessionClosedError,
  SubscribeError,
} from '../../src/errors.js';
import type { ProtocolRequest } from '../../src/protocol/types.js';
import { StreamRegistry, type StreamRegistryOptions } from '../../src/streams/registry.js';
import type { Timers } from '../../src/streams/timers.js';

interface Call {
  readonly kind: 'subscribe' | 'unsubscribe';
  readonly streams: readonly string[];
  resolve(): void;
  reject(error: Error): void;
}

/** A registry whose `call` records each request and lets the test answer it. */
function setup(options: Partial<StreamRegistryOptions> = {}) {
  const calls: Call[] = [];
  const subscriptions: Subscription[] = [];
  const registry = new StreamRegistry({
    call: (request: ProtocolRequest) =>
      new Promise<unknown>((resolve, reject) => {
        if (request.kind !== 'subscribe' && request.kind !== 'unsubscribe') throw new Error(`unexpected ${request.kind}`);
        calls.push({ kind: request.kind, streams: request.streams, resolve: () => resolve(null), reject });
      }),
    // Like the reference protocol: the error message names the refused stream.
    failedStreams: (error, requested) => requested.filter((name) => error.message.includes(`"${name}"`)),
    ...options,
  });
  /** Subscribes to a stream and records what arrives. */
  const watch = (name: string) => {
    const seen = { values: [] as unknown[], error: undefined as unknown, completed: false };
    const subscription = registry.observe(name).subscribe({
      next: (value) => seen.values.push(value),
      error: (error: unknown) => (seen.error = error),
      complete: () => (seen.completed = true),
    });
    subscriptions.push(subscription);
    return Object.assign(seen, { subscription });
  };
  const packets = () => calls.map((call) => [call.kind, [...call.streams]]);
  cleanups.push(() => {
    subscriptions.forEach((s) => s.unsubscribe());
    registry.close();
  });
  return { registry, calls, watch, packets };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
  config.onUnhandledError = null;
});

/** Lets the end-of-tick flush and promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Timers driven by hand: `fire()` runs every timer due. */
function manualTimers() {
  let next = 0;
  const pending = new Map<number, () => void>();
  const timers: Timers = {
    setTimeout: (callback) => {
      pending.set(++next, callback);
      return next;
    },
    clearTimeout: (handle) => pending.delete(handle as number),
  };
  const fire = () => {
    const due = [...pending];
    pending.clear();
    due.forEach(([, callback]) => callback());
  };
  return { timers, fire, count: () => pending.size };
}

const ready = { resumed: false, fresh: true } as const;

describe('StreamRegistry: ref counting and batching', () => {
  it('sends one subscribe for ten observers and one unsubscribe after the last leaves', async () => {
    const { registry, calls, watch, packets } = setup();
    registry.sessionReady(ready);
    const observers = Array.from({ length: 10 }, () => watch('btcusdt@trade'));
    await settle();
    expect(packets()).toEqual([['subscribe', ['btcusdt@trade']]]);
    calls[0]!.resolve();
    await settle();
    expect(registry.streamState('btcusdt@trade')).toBe('active');
    observers.slice(0, 9).forEach((o) => o.subscription.unsubscribe());
    await settle();
    expect(calls).toHaveLength(1);
    observers[9]!.subscription.unsubscribe();
    await settle();
    expect(packets()).toEqual([
      ['subscribe', ['btcusdt@trade']],
      ['unsubscribe', ['btcusdt@trade']],
    ]);
    calls[1]!.resolve();
    await settle();
    expect(registry.inspect()).toEqual([]);
    expect(registry.streamState('btcusdt@trade')).toBe('inactive');
  });

  it('lists as active only the streams the server confirmed, in the order first observed', async () => {
    const { registry, calls, watch } = setup();
    registry.sessionReady(ready);
    watch('b');
    watch('a');
    await settle();
    calls[0]!.resolve();
    await settle();
    watch('pending');
    await settle();
    expect(registry.streamState('pending')).toBe('subscribing');
    expect(registry.activeStreams()).toEqual(['b', 'a']);
  });

  it('sends nothing for a re-mount within the same tick', async () => {
    const { registry, calls, watch } = setup();
    registry.sessionReady(ready);
    const first = watch('a');
    await settle();
    calls[0]!.resolve();
    await settle();
    first.subscription.unsubscribe();
    const second = watch('a');
    await settle();
    expect(calls).toHaveLength(1);
    expect(registry.streamState('a')).toBe('active');
    registry.route('a', 1, 1);
    expect(second.values).toEqual([1]);
  });

  it('sends nothing for a stream observed and dropped before the session was ready', async () => {
    const { registry, calls, watch } = setup();
    watch('a').subscription.unsubscribe();
    const kept = watch('b');
    await settle();
    expect(calls).toHaveLength(0);
    registry.sessionReady(ready);
    expect(calls.map((c) => c.streams)).toEqual([['b']]);
    kept.subscription.unsubscribe();
  });

  it('with lingerMs, holds the unsubscribe back and cancels it when an observer returns', async () => {
    const clock = manualTimers();
    const { registry, calls, watch, packets } = setup({ lingerMs: 500, timers: clock.timers });
    registry.sessionReady(ready);
    const first = watch('a');
    const other = watch('b');
    await settle();
    calls[0]!.resolve();
    await settle();

    first.subscription.unsubscribe();
    other.subscription.unsubscribe();
    await settle();
    expect(calls).toHaveLength(1);
    expect(clock.count()).toBe(1); // one timer for both releases of the tick
    const back = watch('a');
    clock.fire();
    await settle();
    expect(packets().slice(1)).toEqual([['unsubscribe', ['b']]]);
    expect(registry.streamState('a')).toBe('active');
    back.subscription.unsubscribe();
    await settle();
    expect(calls).toHaveLength(2);
    clock.fire();
    await settle();
    expect(packets().slice(2)).toEqual([['unsubscribe', ['a']]]);
  });

  it('batches 5,000 names of one tick into 5 packets of 1,000', async () => {
    const { registry, calls, watch } = setup();
    registry.sessionReady(ready);
    const names = Array.from({ length: 5000 }, (_, i) => `s${i}`);
    names.forEach(watch);
    await settle();
    expect(calls.map((c) => [c.kind, c.streams.length])).toEqual(Array.from({ length: 5 }, () => ['subscribe', 1000]));
    expect(calls.flatMap((c) => c.streams)).toEqual(names);
  });

  it('splits by maxStreamsPerPacket, and halves the batch when a packet is refused as oversize', async () => {
    const { registry, calls, watch } = setup({ maxStreamsPerPacket: 4 });
    registry.sessionReady(ready);
    const names = ['a', 'b', 'c', 'd', 'e'];
    names.forEach(watch);
    await settle();
    expect(calls.map((c) => c.streams)).toEqual([['a', 'b', 'c', 'd'], ['e']]);
    calls[0]!.reject(new OversizeMessageError(200_000, 131_072));
    await settle();
    expect(calls.slice(2).map((c) => c.streams)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('makes an invalid name error its observable (the options are checked by the session: test/session/options-validation)', async () => {
    const { registry, calls, watch } = setup();
    registry.sessionReady(ready);
    expect(watch('').error).toBeInstanceOf(OptionsError);
    expect(watch(42 as unknown as string).error).toBeInstanceOf(OptionsError);
    await settle();
    expect(calls).toHaveLength(0);
  });
});

describe('StreamRegistry: routing', () => {
  it('routes each of 10,000 streams to its own observers', async () => {
    const { registry, watch } = setup();
    const names = Array.from({ length: 10_000 }, (_, i) => `stream-${i}`);
    const watched = names.map(watch);
    names.forEach((name, i) => registry.route(name, name, i + 1));
    watched.forEach((seen, i) => expect(seen.values).toEqual([names[i]]));
    const rows = registry.inspect();
    expect(rows).toHaveLength(10_000);
    expect(rows.every((row) => row.observers === 1 && row.messages === 1)).toBe(true);
  });

  it('drops messages whose seq is not above lastSeq, across streams', () => {
    const { registry, watch } = setup();
    const a = watch('a');
    const b = watch('b');
    registry.route('a', 'a1', 1);
    registry.route('b', 'b2', 2);
    registry.route('a', 'a3', 3);
    registry.route('b', 'b2', 2); // replayed duplicate
    registry.route('a', 'a3', 3);
    registry.route('b', 'b4', 4);
    registry.route('a', 'no-seq', undefined);
    expect(a.values).toEqual(['a1', 'a3', 'no-seq']);
    expect(b.values).toEqual(['b2', 'b4']);
    expect(registry.lastSeq).toBe(4);
    expect(registry.inspect().map((row) => [row.name, row.messages])).toEqual([['a', 3], ['b', 2]]);
  });

  it('does not track seq when told the protocol has none', () => {
    const { registry, watch } = setup({ trackSeq: false });
    const a = watch('a');
    registry.route('a', 1, 5);
    registry.route('a', 2, 5);
    expect(a.values).toEqual([1, 2]);
    expect(registry.lastSeq).toBeUndefined();
  });

  it('drops messages for streams nobody observes, still advancing lastSeq', () => {
    const { registry, watch } = setup();
    const gone = watch('gone');
    gone.subscription.unsubscribe();
    registry.route('gone', 1, 7);
    registry.route('never', 2, 8);
    expect(gone.values).toEqual([]);
    expect(registry.inspect().map((row) => [row.name, row.messages])).toEqual([['gone', 0]]);
    expect(registry.lastSeq).toBe(8);
  });

  it('keeps delivering to the other observers when one throws; RxJS reports the error asynchronously', async () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (error) => reported.push(error);
    const { registry, watch } = setup();
    const before = watch('a');
    const boom = new Error('observer bug');
    registry.observe<number>('a').subscribe(() => {
      throw boom;
    });
    const after = watch('a');
    registry.route('a', 1, 1);
    registry.route('a', 2, 2);
    expect(before.values).toEqual([1, 2]);
    expect(after.values).toEqual([1, 2]);
    expect(reported).toEqual([]); // not rethrown synchronously into route()
    await settle();
    expect(reported).toEqual([boom, boom]);
  });
});

describe('StreamRegistry: sessions, resume and gaps', () => {
  /** A registry with `a` and `b` confirmed, and `c` subscribed then left again. */
  async function established() {
    const context = setup();
    const { registry, calls, watch } = context;
    registry.sessionReady(ready);
    const a = watch('a');
    const b = watch('b');
    const c = watch('c');
    await settle();
    calls[0]!.resolve();
    await settle();
    c.subscription.unsubscribe();
    await settle();
    calls[1]!.resolve();
    await settle();
    expect(context.packets()).toEqual([
      ['subscribe', ['a', 'b', 'c']],
      ['unsubscribe', ['c']],
    ]);
    registry.route('a', 'x', 41);
    const gaps: Array<readonly string[]> = [];
    registry.gaps$.subscribe((names) => gaps.push(names));
    return { ...context, a, b, gaps };
  }

  it('re-subscribes nothing after a resume and keeps lastSeq', async () => {
    const { registry, calls, gaps } = await established();
    registry.connectionLost();
    registry.sessionReady({ resumed: true, fresh: false });
    await settle();
    expect(calls).toHaveLength(2);
    expect(gaps).toEqual([]);
    expect(registry.lastSeq).toBe(41);
    expect(registry.streamState('a')).toBe('active');
  });

  it('sends changes made while disconnected once resumed', async () => {
    const { registry, calls, watch, b, packets } = await established();
    registry.connectionLost();
    b.subscription.unsubscribe();
    watch('d');
    await settle();
    expect(calls).toHaveLength(2);
    registry.sessionReady({ resumed: true, fresh: false });
    expect(packets().slice(2)).toEqual([
      ['unsubscribe', ['b']],
      ['subscribe', ['d']],
    ]);
  });

  it('on a fresh session re-subscribes every observed stream in one batch and names the gaps exactly', async () => {
    const { registry, calls, watch, gaps, packets } = await established();
    registry.connectionLost();
    watch('e'); // new while disconnected: it never had messages to miss
    registry.sessionReady({ resumed: false, fresh: true });
    expect(gaps).toEqual([['a', 'b']]);
    expect(packets().slice(2)).toEqual([['subscribe', ['a', 'b', 'e']]]);
    expect(registry.lastSeq).toBeUndefined();
    expect(registry.streamState('a')).toBe('resubscribing');
    expect(registry.streamState('e')).toBe('subscribing');
    registry.route('a', 'fresh-1', 1); // seq starts over in the new session
    calls[2]!.resolve();
    await settle();
    expect(registry.streamState('a')).toBe('active');
    expect(calls).toHaveLength(3);
  });

  it('reconciles a subscribe that was in flight when the connection dropped', async () => {
    const { registry, calls, watch, packets } = setup();
    registry.sessionReady(ready);
    watch('a');
    await settle();
    registry.connectionLost();
    // The correlator gave up on it (not idempotent): the server may or may not have it.
    calls[0]!.reject(new ConnectionLostError());
    await settle();
    expect(calls).toHaveLength(1);
    registry.sessionReady({ resumed: true, fresh: false });
    expect(packets()).toEqual([
      ['subscribe', ['a']],
      ['subscribe', ['a']],
    ]);
  });
});

describe('StreamRegistry: failures', () => {
  it('errors only the observers of the refused name and retries the rest of the batch', async () => {
    const { registry, calls, watch, packets } = setup();
    registry.sessionReady(ready);
    const good1 = watch('good1');
    const bad = [watch('bad'), watch('bad')];
    const good2 = watch('good2');
    await settle();
    calls[0]!.reject(new ServerError('subscribe', 404, 'unknown stream "bad"'));
    await settle();
    for (const observer of bad) {
      expect(observer.error).toBeInstanceOf(SubscribeError);
      expect(observer.error).toMatchObject({ stream: 'bad', serverCode: 404, code: 'subscribe' });
      expect((observer.error as SubscribeError).serverMessage).toBe('unknown stream "bad"');
    }
    expect(good1.error).toBeUndefined();
    expect(good2.error).toBeUndefined();
    expect(registry.streamState('bad')).toBe('failed');
    expect(packets().slice(1)).toEqual([['subscribe', ['good1', 'good2']]]);
    calls[1]!.resolve();
    await settle();
    expect(registry.streamState('good1')).toBe('active');
    registry.route('good1', 'ok', 1);
    expect(good1.values).toEqual(['ok']);
    expect(calls).toHaveLength(2);

    // Observing the refused name again tries again.
    watch('bad');
    expect(registry.streamState('bad')).toBe('subscribing');
    await settle();
    expect(packets().slice(2)).toEqual([['subscribe', ['bad']]]);
  });

  it.each([
    ['none', () => []],
    ['all', (_error: unknown, requested: readonly string[]) => requested],
  ])('halves a refused batch whose refusal blames %s of its names, until the bad name fails alone', async (_blames, failedStreams) => {
    const errors: Error[] = [];
    const { registry, calls, watch, packets } = setup({ failedStreams, onError: (error) => errors.push(error) });
    registry.sessionReady(ready);
    const observers = ['a', 'b', 'c', 'bad', 'd'].map((name) => [name, watch(name)] as const);
    await settle();
    // The server refuses any batch holding 'bad', naming nothing.
    for (let answered = 0; answered < calls.length && answered < 20; answered++) {
      const call = calls[answered]!;
      if (call.streams.includes('bad')) call.reject(new ServerError('subscribe', 500, 'busy'));
      else call.resolve();
      await settle();
    }
    expect(packets()).toEqual([
      ['subscribe', ['a', 'b', 'c', 'bad', 'd']],
      ['subscribe', ['a', 'b', 'c']],
      ['subscribe', ['bad', 'd']],
      ['subscribe', ['bad']],
      ['subscribe', ['d']],
    ]);
    for (const [name, observer] of observers) {
      if (name === 'bad') expect(observer.error).toMatchObject({ code: 'subscribe', stream: 'bad', serverCode: 500 });
      else expect([name, observer.error, registry.streamState(name)]).toEqual([name, undefined, 'active']);
    }
    expect(errors).toEqual([observers[3]![1].error]);
  });

  it('stops halving when both halves are refused: a server refusing every name costs about 2 log2(n) requests, not 2n', async () => {
    const errors: Error[] = [];
    const { registry, calls, watch } = setup({ failedStreams: () => [], onError: (error) => errors.push(error) });
    registry.sessionReady(ready);
    const names = Array.from({ length: 16 }, (_, index) => `s${index}`);
    const observers = names.map((name) => watch(name));
    await settle();
    for (let answered = 0; answered < calls.length && answered < 100; answered++) {
      calls[answered]!.reject(new ServerError('subscribe', 503, 'busy'));
      await settle();
    }
    expect(calls.map((call) => call.streams.length)).toEqual([16, 8, 8, 4, 4, 2, 2, 1, 1]);
    for (const observer of observers) expect(observer.error).toMatchObject({ code: 'subscribe', serverCode: 503 });
    expect(errors).toHaveLength(16);
    expect(names.map((name) => registry.streamState(name))).toEqual(names.map(() => 'failed'));
  });

  it('fails a refused batch of one name at once', async () => {
    const { registry, calls, watch } = setup({ failedStreams: () => [] });
    registry.sessionReady(ready);
    const a = watch('a');
    await settle();
    calls[0]!.reject(new ServerError('subscribe', 400, 'bad request'));
    await settle();
    expect(a.error).toBeInstanceOf(SubscribeError);
    expect(calls).toHaveLength(1);
  });

  it('retries a timed-out subscribe at once and reports the timeout', async () => {
    const errors: Error[] = [];
    const { registry, calls, watch, packets } = setup({ onError: (error) => errors.push(error) });
    registry.sessionReady(ready);
    watch('a');
    await settle();
    calls[0]!.reject(new RequestTimeoutError('subscribe', 10_000));
    await settle();
    expect(packets()).toEqual([
      ['subscribe', ['a']],
      ['subscribe', ['a']],
    ]);
    expect(errors[0]).toBeInstanceOf(RequestTimeoutError);
  });

  it('unsubscribes a name confirmed after its last observer left', async () => {
    const { registry, calls, watch, packets } = setup();
    registry.sessionReady(ready);
    const a = watch('a');
    await settle();
    a.subscription.unsubscribe();
    await settle();
    expect(calls).toHaveLength(1);
    calls[0]!.resolve();
    await settle();
    expect(packets()).toEqual([
      ['subscribe', ['a']],
      ['unsubscribe', ['a']],
    ]);
  });

  it('unsubscribes a name whose subscribe got no answer after its observers left', async () => {
    const { registry, calls, watch, packets } = setup();
    registry.sessionReady(ready);
    const a = watch('a');
    await settle();
    a.subscription.unsubscribe();
    calls[0]!.reject(new RequestTimeoutError('subscribe', 1));
    await settle();
    expect(packets()).toEqual([
      ['subscribe', ['a']],
      ['unsubscribe', ['a']],
    ]);
  });

  it('unsubscribes a refused name whose earlier copy may have taken effect before a drop', async () => {
    const { registry, calls, watch, packets } = setup();
    registry.sessionReady(ready);
    const a = watch('a');
    await settle();
    // The server may have applied the first copy; the correlator re-sends it after the resume.
    registry.connectionLost();
    registry.sessionReady({ resumed: true, fresh: false });
    calls[0]!.reject(new ServerError('subscribe', 503, 'too many subscriptions for "a"'));
    await settle();
    expect(a.error).toBeInstanceOf(SubscribeError);
    expect(packets()).toEqual([
      ['subscribe', ['a']],
      ['unsubscribe', ['a']],
    ]);
  });

  it('keeps the server error verbatim in ServerError fields, never folded into its message', () => {
    expect(new ServerError('SUBSCRIBE', 404, 'unknown stream "x"', { stream: 'x' })).toMatchObject({
      code: 'server',
      method: 'SUBSCRIBE',
      serverCode: 404,
      serverMessage: 'unknown stream "x"',
      data: { stream: 'x' },
    });
  });
});

describe('StreamRegistry: close', () => {
  it('completes every stream and gaps$ on a clean close; later observers get SessionClosedError', async () => {
    const { registry, calls, watch } = setup();
    registry.sessionReady(ready);
    const a = watch('a');
    const b = watch('b');
    let gapsDone = false;
    registry.gaps$.subscribe({ complete: () => (gapsDone = true) });
    registry.close();
    expect(a.completed && b.completed && gapsDone).toBe(true);
    expect(a.error).toBeUndefined();
    const late = watch('a');
    expect(late.error).toBeInstanceOf(SessionClosedError);
    await settle();
    expect(calls).toHaveLength(0);
    expect(registry.inspect()).toEqual([]);
  });

  it('errors every stream with the close error, and ignores answers that arrive afterwards', async () => {
    const clock = manualTimers();
    const { registry, calls, watch } = setup({ lingerMs: 100, timers: clock.timers });
    registry.sessionReady(ready);
    const a = watch('a');
    const b = watch('b');
    await settle();
    b.subscription.unsubscribe();
    expect(clock.count()).toBe(1);
    const fatal = new Error('closed with 4000');
    registry.close(fatal);
    expect(a.error).toBe(fatal);
    expect(clock.count()).toBe(0);
    calls[0]!.resolve();
    await settle();
    expect(calls).toHaveLength(1);
    expect((watch('a').error as Error).cause).toBe(fatal);
  });
});
