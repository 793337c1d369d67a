import { Subscriber, take, type Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { addObserver, deliverTo, endAll, removeObserver, type StreamObservers } from '../../src/streams/observers.js';
import { StreamRegistry } from '../../src/streams/registry.js';

function recorder() {
  const seen: unknown[] = [];
  const ends: string[] = [];
  const subscriber = new Subscriber<unknown>({
    next: (value) => seen.push(value),
    error: (error: Error) => ends.push(`error ${error.message}`),
    complete: () => ends.push('complete'),
  });
  return { seen, ends, subscriber };
}

describe('stream observers', () => {
  it('holds one observer without an array, several in a fresh array per change', () => {
    const [a, b, c] = [recorder(), recorder(), recorder()];
    let observers: StreamObservers = addObserver(undefined, a.subscriber);
    expect(observers).toBe(a.subscriber);
    const two = addObserver(observers, b.subscriber);
    const three = addObserver(two, c.subscriber);
    expect(three).not.toBe(two);
    expect(two).toEqual([a.subscriber, b.subscriber]);
    observers = removeObserver(three, b.subscriber);
    expect(observers).toEqual([a.subscriber, c.subscriber]);
    expect(removeObserver(observers, b.subscriber)).toBe(observers);
    expect(removeObserver(removeObserver(observers, a.subscriber), c.subscriber)).toBeUndefined();
    deliverTo(observers, 1);
    expect([a.seen, b.seen, c.seen]).toEqual([[1], [], [1]]);
    endAll(observers, new Error('gone'));
    endAll(b.subscriber);
    expect([a.ends, b.ends, c.ends]).toEqual([['error gone'], ['complete'], ['error gone']]);
  });

  it('through the registry: leaving or joining during a delivery behaves as with a Subject', () => {
    const registry = new StreamRegistry({ call: () => Promise.resolve(null), failedStreams: () => [] });
    const first: unknown[] = [];
    const late: unknown[] = [];
    const once: unknown[] = [];
    let lateSubscription: Subscription | undefined;
    registry.observe('s').pipe(take(1)).subscribe((value) => once.push(value));
    registry.observe('s').subscribe((value) => {
      first.push(value);
      // Joins during the delivery of 1: gets the messages after it, not 1 itself.
      lateSubscription ??= registry.observe('s').subscribe((next) => late.push(next));
    });
    registry.route('s', 1, 1);
    registry.route('s', 2, 2);
    expect(once).toEqual([1]);
    expect(first).toEqual([1, 2]);
    expect(late).toEqual([2]);
    expect(registry.inspect()).toMatchObject([{ name: 's', observers: 2, messages: 2 }]);
    lateSubscription?.unsubscribe();
    registry.close();
  });
});
