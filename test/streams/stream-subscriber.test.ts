import { config, map, Subscriber } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamRegistry } from '../../src/streams/registry.js';
import { StreamSubscriber } from '../../src/streams/stream-subscriber.js';

/** A registry whose subscribe requests stay unanswered (nothing here needs an answer). */
function registry(): StreamRegistry {
  return new StreamRegistry({ call: () => new Promise<unknown>(() => {}), failedStreams: () => [], trackSeq: false });
}

const savedHandler = config.onUnhandledError;
afterEach(() => {
  config.onUnhandledError = savedHandler;
});

/** Resolves with the next error RxJS would report as unhandled. */
function nextUnhandled(): Promise<unknown> {
  return new Promise((resolve) => {
    config.onUnhandledError = (error) => resolve(error);
  });
}

describe('StreamSubscriber: the one-object subscriber of a stream', () => {
  it('serves a next function, an observer, and the deprecated three-argument form alike', () => {
    const streams = registry();
    const seen: unknown[] = [];
    const subscriptions = [
      streams.observe('a').subscribe((value) => seen.push(['fn', value])),
      streams.observe('a').subscribe({ next: (value) => seen.push(['observer', value]) }),
      streams.observe('a').subscribe((value) => seen.push(['three', value]), undefined, () => seen.push('completed')),
      streams.observe('a').pipe(map((value) => ['piped', value])).subscribe((value) => seen.push(value)),
    ];
    expect(subscriptions.slice(0, 3).every((each) => each instanceof StreamSubscriber)).toBe(true);
    streams.route('a', 1, undefined);
    expect(seen).toEqual([['fn', 1], ['observer', 1], ['three', 1], ['piped', 1]]);
    streams.close();
    expect(seen.at(-1)).toBe('completed');
    expect(subscriptions.every((each) => each.closed)).toBe(true);
  });

  it('an observer that throws is reported through onUnhandledError and the others still get the message', async () => {
    const streams = registry();
    const seen: unknown[] = [];
    const boom = new Error('observer failed');
    const unhandled = nextUnhandled();
    streams.observe('a').subscribe(() => {
      throw boom;
    });
    streams.observe('a').subscribe((value) => seen.push(value));
    streams.route('a', 7, undefined);
    expect(seen).toEqual([7]);
    expect(await unhandled).toBe(boom);
    streams.close();
  });

  it('an error without an error handler is reported as unhandled; one with a handler is not', async () => {
    const streams = registry();
    const errors: unknown[] = [];
    streams.observe('a').subscribe({ error: (error) => errors.push(error) });
    const unhandled = nextUnhandled();
    streams.observe('a').subscribe(() => {});
    const failure = new Error('session failed');
    streams.close(failure);
    expect(errors).toEqual([failure]);
    expect(await unhandled).toBe(failure);
  });

  it('unsubscribing leaves the stream once, runs added finalizers, and delivers nothing more', () => {
    const streams = registry();
    const seen: unknown[] = [];
    let finalized = 0;
    const subscription = streams.observe('a').subscribe((value) => seen.push(value));
    subscription.add(() => finalized++);
    expect(streams.streamState('a')).toBe('subscribing');
    subscription.unsubscribe();
    subscription.unsubscribe();
    expect(finalized).toBe(1);
    expect(streams.streamState('a')).toBe('inactive');
    streams.route('a', 1, undefined);
    expect(seen).toEqual([]);
    streams.close();
  });

  it('a subscriber handed in (as operators do) takes RxJS path and still leaves the stream', () => {
    const streams = registry();
    const seen: unknown[] = [];
    const subscriber = new Subscriber<unknown>({ next: (value) => seen.push(value), error: () => {}, complete: () => {} });
    const subscription = streams.observe('a').subscribe(subscriber);
    expect(subscription).toBe(subscriber);
    streams.route('a', 2, undefined);
    subscription.unsubscribe();
    expect(streams.streamState('a')).toBe('inactive');
    expect(seen).toEqual([2]);
    streams.close();
  });

  it('observing a closed registry errors the observer at once', () => {
    const streams = registry();
    streams.close();
    const errors: unknown[] = [];
    const subscription = streams.observe('a').subscribe({ error: (error) => errors.push(error) });
    expect(errors).toHaveLength(1);
    expect(subscription.closed).toBe(true);
  });
});
