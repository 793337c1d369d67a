import { Subscriber } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { addObserver, removeClosedObservers, type StreamObservers } from '../../src/streams/observers.js';
import { attachTeardown, RegistryEntry } from '../../src/streams/registry-entry.js';

function subscriber(): Subscriber<unknown> {
  return new Subscriber<unknown>({ next: () => {}, error: () => {}, complete: () => {} });
}

describe('registry entries as teardowns', () => {
  it('removeClosedObservers drops exactly the closed observers', () => {
    const [a, b, c] = [subscriber(), subscriber(), subscriber()];
    const three: StreamObservers = addObserver(addObserver(addObserver(undefined, a), b), c);
    expect(removeClosedObservers(three)).toBe(three);
    b.closed = true;
    expect(removeClosedObservers(three)).toEqual([a, c]);
    a.closed = true;
    expect(removeClosedObservers(three)).toBe(c);
    c.closed = true;
    expect(removeClosedObservers(three)).toBeUndefined();
    expect(removeClosedObservers(undefined)).toBeUndefined();
  });

  it('removes the leaving subscriber and tells the registry once per subscriber', () => {
    const left: string[] = [];
    const entry = new RegistryEntry('trades', (which) => left.push(which.name));
    const [a, b] = [subscriber(), subscriber()];
    for (const each of [a, b]) {
      entry.subscribers = addObserver(entry.subscribers, each);
      attachTeardown(each, entry);
    }
    a.unsubscribe();
    expect(entry.subscribers).toBe(b);
    expect(left).toEqual(['trades']);
    a.unsubscribe();
    expect(left).toEqual(['trades']);
    b.unsubscribe();
    expect(entry.subscribers).toBeUndefined();
    expect(left).toEqual(['trades', 'trades']);
  });

  it('keeps the other finalizers of a subscriber, and runs the entry at once on a closed one', () => {
    let ran = 0;
    const left: string[] = [];
    const entry = new RegistryEntry('depth', (which) => left.push(which.name));
    const busy = subscriber();
    busy.add(() => ran++);
    entry.subscribers = addObserver(entry.subscribers, busy);
    attachTeardown(busy, entry);
    busy.unsubscribe();
    expect(ran).toBe(1);
    expect(left).toEqual(['depth']);

    const closed = subscriber();
    closed.unsubscribe();
    attachTeardown(closed, entry);
    expect(left).toEqual(['depth', 'depth']);
  });
});
