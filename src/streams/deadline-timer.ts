import { MAX_TIMER_DELAY_MS } from '../constants.js';
import type { Timers } from './timers.js';

/**
 * One timer for many deadlines: armed for the earliest, and not moved when that deadline's owner
 * goes away while others remain (it then fires, the owner times out what is due and re-arms for
 * the next). Why: a setTimeout and a clearTimeout per request cost about a microsecond, and
 * concurrent requests now share one; it is stopped only when nothing is pending.
 */
export class DeadlineTimer {
  #timer: unknown = undefined;
  /** When the armed timer fires (not the deadline when that is beyond what a timer can wait); Infinity when disarmed. */
  #armedFor = Infinity;

  readonly #timers: Timers;
  readonly #now: () => number;
  /** Called when the timer fires, with the time it stands for: every deadline up to it has come. */
  readonly #onReached: (reached: number) => void;

  constructor(timers: Timers, now: () => number, onReached: (reached: number) => void) {
    this.#timers = timers;
    this.#now = now;
    this.#onReached = onReached;
  }

  /** Whether a timer is armed. */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** Makes sure the timer fires by `deadline`: re-arms only when it is armed for later (or not at all). */
  arm(deadline: number): void {
    if (deadline >= this.#armedFor || deadline === Infinity) return;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    const now = this.#now();
    const delay = Math.min(Math.max(0, deadline - now), MAX_TIMER_DELAY_MS);
    this.#armedFor = now + delay;
    this.#timer = this.#timers.setTimeout(() => this.#fire(), delay);
  }

  disarm(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  #fire(): void {
    // The timer firing proves its deadline has come, whatever the clock says.
    const reached = Math.max(this.#armedFor, this.#now());
    this.#timer = undefined;
    this.#armedFor = Infinity;
    this.#onReached(reached);
  }
}
