/**
 * What happened during the demo, as the view and the verdict read it: state transitions, notable
 * events (faults and their outcomes) and the checks the verdict is made of.
 */
import type { SessionStateName } from '../src/node.js';

/** How an event line is coloured. */
export type Tone = 'info' | 'good' | 'bad';

/** One line of the event log. */
export interface TimelineEvent {
  /** Milliseconds since the start of the demo. */
  readonly atMs: number;
  readonly text: string;
  readonly tone: Tone;
}

/** A state the session entered. */
export interface Transition {
  readonly atMs: number;
  readonly state: SessionStateName;
}

/** One thing the demo set out to show, and whether it did. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Keeps the demo's history; bounded, so an endless run does not grow. */
export class Timeline {
  readonly #start: number;
  readonly #maxKept: number;
  readonly events: TimelineEvent[] = [];
  readonly transitions: Transition[] = [];
  /** The latest checks (bounded); {@link passed} and {@link failed} count all of them. */
  readonly checks: Check[] = [];
  passed = 0;
  failed = 0;
  /** Events not yet printed (line mode prints them as they come). */
  readonly #unprinted: TimelineEvent[] = [];

  constructor(start: number, maxKept = 200) {
    this.#start = start;
    this.#maxKept = maxKept;
  }

  /** Milliseconds since the start. */
  elapsed(now = performance.now()): number {
    return now - this.#start;
  }

  event(text: string, tone: Tone = 'info'): void {
    const event = { atMs: this.elapsed(), text, tone };
    this.#push(this.events, event);
    this.#push(this.#unprinted, event);
  }

  transition(state: SessionStateName): void {
    this.#push(this.transitions, { atMs: this.elapsed(), state });
  }

  check(name: string, ok: boolean, detail: string): void {
    this.#push(this.checks, { name, ok, detail });
    if (ok) this.passed++;
    else this.failed++;
    this.event(`${ok ? 'ok' : 'FAILED'}: ${name}: ${detail}`, ok ? 'good' : 'bad');
  }

  /** The events added since the last call. */
  takeUnprinted(): TimelineEvent[] {
    return this.#unprinted.splice(0);
  }

  #push<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > this.#maxKept) list.shift();
  }
}
