import type { LingerGroup, StreamEntry } from './stream-entry.js';
import type { Timers } from './timers.js';

/**
 * Holds back the unsubscribe of streams whose last observer left, for `lingerMs`. Every release
 * within one tick joins one group with one timer, so a burst of releases (a page closing) still
 * ends in a single batched unsubscribe rather than one per timer callback.
 *
 * A stream observed again while lingering simply drops its `lingerGroup`; the group's timer then
 * skips it.
 */
export class Linger {
  readonly #handles = new Set<unknown>();
  #current: LingerGroup | undefined;

  /**
   * @param lingerMs - How long to hold back, in milliseconds (above 0).
   * @param timers - Timer functions.
   * @param expired - Called for each stream whose linger ran out while it was still unobserved.
   */
  readonly #lingerMs: number;
  readonly #timers: Timers;
  readonly #expired: (entry: StreamEntry) => void;

  constructor(lingerMs: number, timers: Timers, expired: (entry: StreamEntry) => void) {
    this.#lingerMs = lingerMs;
    this.#timers = timers;
    this.#expired = expired;
  }

  /** Starts lingering `entry` (its `lingerGroup` stays set until the time runs out or someone observes it again). */
  hold(entry: StreamEntry): void {
    let group = this.#current;
    if (group === undefined) {
      const opened: LingerGroup = { entries: [] };
      group = this.#current = opened;
      // The group closes at the end of the tick.
      queueMicrotask(() => {
        if (this.#current === opened) this.#current = undefined;
      });
      const handle = this.#timers.setTimeout(() => {
        this.#handles.delete(handle);
        for (const lingering of opened.entries) {
          if (lingering.lingerGroup !== opened) continue;
          lingering.lingerGroup = undefined;
          this.#expired(lingering);
        }
      }, this.#lingerMs);
      this.#handles.add(handle);
    }
    entry.lingerGroup = group;
    group.entries.push(entry);
  }

  /** Clears every pending timer (the registry is closing). */
  cancelAll(): void {
    for (const handle of this.#handles) this.#timers.clearTimeout(handle);
    this.#handles.clear();
    this.#current = undefined;
  }
}
