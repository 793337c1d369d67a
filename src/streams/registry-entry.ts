import type { Subscriber } from 'rxjs';
import type { StreamObservers } from './observers.js';
import { removeClosedObservers } from './observers.js';
import type { LingerGroup, ServerPresence, StreamEntry } from './stream-entry.js';

/**
 * A {@link StreamEntry} that is also the teardown of every subscriber it serves: the registry hands
 * the entry itself to RxJS as the subscriber's finalizer (an `Unsubscribable`), instead of a
 * closure per subscriber.
 *
 * Why: with 100,000 idle streams a closure and its context (entry, subscriber, registry) cost about
 * 100 bytes per stream. RxJS marks a subscriber `closed` before it runs its finalizers, so the
 * subscriber that is leaving is the closed one among the entry's observers.
 */
export class RegistryEntry implements StreamEntry {
  subscribers: StreamObservers = undefined;
  observers = 0;
  presence: ServerPresence = 'no';
  inFlight: 'subscribe' | 'unsubscribe' | undefined = undefined;
  resubscribing = false;
  lingerGroup: LingerGroup | undefined = undefined;
  lastSeq: number | undefined = undefined;
  messages = 0;
  gaps = 0;

  /**
   * @param name the stream's name
   * @param observerLeft told once per subscriber that left, after it is removed (shared by every entry of a registry)
   */
  constructor(
    readonly name: string,
    private readonly observerLeft: (entry: RegistryEntry) => void,
  ) {}

  /** Called by RxJS when one of the entry's subscribers ends: drops it (and any other closed one) and tells the registry. */
  unsubscribe(): void {
    // After a failure or a close the observers were already emptied: nothing to remove then.
    this.subscribers = removeClosedObservers(this.subscribers);
    this.observerLeft(this);
  }
}

/**
 * Makes `entry` the teardown of `subscriber`. RxJS keeps finalizers in an array it creates with a
 * `push`, for which V8 reserves 16 slots (about 150 bytes, most of an idle stream's cost). When the
 * entry turned out to be the subscriber's only finalizer, the array is replaced by a one-slot copy.
 * If RxJS ever stores them differently, nothing breaks: the saving is simply lost.
 */
export function attachTeardown(subscriber: Subscriber<unknown>, entry: RegistryEntry): void {
  subscriber.add(entry);
  const held = subscriber as unknown as { _finalizers?: unknown };
  const finalizers = held._finalizers;
  if (Array.isArray(finalizers) && finalizers.length === 1 && finalizers[0] === entry) held._finalizers = [entry];
}
