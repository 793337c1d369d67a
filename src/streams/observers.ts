import type { Subscriber } from 'rxjs';

/**
 * The observers of one stream: none, one, or several. One observer (the common case) is held
 * without an array; several are held in an array that is replaced, never changed, on every
 * addition or removal, so a delivery in progress keeps iterating the list it started with (as an
 * RxJS Subject does).
 *
 * Why not a Subject per stream: with 100,000 idle streams a Subject, its observer array (which
 * V8 allocates with room for 17 entries on the first push) and the Subscription it returns
 * cost about 400 bytes per stream, and its `next` allocates a closure and an iterator per message.
 */
export type StreamObservers = Subscriber<unknown> | readonly Subscriber<unknown>[] | undefined;

/** The observers with `subscriber` added. */
export function addObserver(observers: StreamObservers, subscriber: Subscriber<unknown>): StreamObservers {
  if (observers === undefined) return subscriber;
  return isList(observers) ? [...observers, subscriber] : [observers, subscriber];
}

/** The observers without `subscriber` (unchanged when it is not among them). */
export function removeObserver(observers: StreamObservers, subscriber: Subscriber<unknown>): StreamObservers {
  if (observers === subscriber) return undefined;
  if (observers === undefined || !isList(observers) || !observers.includes(subscriber)) return observers;
  const rest = observers.filter((observer) => observer !== subscriber);
  return rest.length === 1 ? rest[0] : rest;
}

/**
 * The observers without the closed ones (unchanged when none is closed). RxJS marks a subscriber
 * closed before it runs its finalizers, so this drops the one whose teardown is running.
 */
export function removeClosedObservers(observers: StreamObservers): StreamObservers {
  if (observers === undefined) return undefined;
  if (!isList(observers)) return observers.closed ? undefined : observers;
  if (!observers.some((observer) => observer.closed)) return observers;
  const rest = observers.filter((observer) => !observer.closed);
  return rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest;
}

/**
 * Hands `value` to every observer. A Subscriber isolates its observer: one that throws is
 * reported through RxJS's `config.onUnhandledError` and does not stop the others.
 */
export function deliverTo(observers: StreamObservers, value: unknown): void {
  if (observers === undefined) return;
  if (!isList(observers)) {
    observers.next(value);
    return;
  }
  for (let index = 0; index < observers.length; index++) (observers[index] as Subscriber<unknown>).next(value);
}

/** Ends every observer: with `error` when one is given, else completes them. */
export function endAll(observers: StreamObservers, error?: Error): void {
  if (observers === undefined) return;
  for (const observer of isList(observers) ? observers : [observers]) {
    if (error === undefined) observer.complete();
    else observer.error(error);
  }
}

function isList(observers: Subscriber<unknown> | readonly Subscriber<unknown>[]): observers is readonly Subscriber<unknown>[] {
  return Array.isArray(observers);
}
