/**
 * Replays a recording: the model after any of its records, folded from the start. Moving forward
 * applies only the records in between; moving back folds again from the start. The slider moves
 * by time, the step buttons from one transition to the next, so that steps a millisecond apart
 * are still seen one by one.
 */
import type { DevtoolsRecord } from '../records.js';
import { PanelModel } from './model.js';

/** A recording being replayed. */
export class Replay {
  readonly start: number;
  readonly end: number;
  private model = new PanelModel();
  /** How many records the model holds. */
  private applied = 0;

  constructor(readonly records: readonly DevtoolsRecord[]) {
    this.start = records[0]?.t ?? 0;
    this.end = records.at(-1)?.t ?? this.start;
  }

  /** The picture after record `index` (every record up to and including it). */
  after(index: number): PanelModel {
    if (this.applied > index + 1) {
      this.model = new PanelModel();
      this.applied = 0;
    }
    while (this.applied <= index && this.applied < this.records.length) {
      this.model.apply(this.records[this.applied] as DevtoolsRecord);
      this.applied++;
    }
    return this.model;
  }

  /** The last record at or before time `t` (the first record when `t` is before it). */
  indexAt(t: number): number {
    let index = 0;
    while (index + 1 < this.records.length && (this.records[index + 1] as DevtoolsRecord).t <= t) index++;
    return index;
  }

  /** The next (`1`) or previous (`-1`) transition or hello record from `index`, if any. */
  step(index: number, direction: 1 | -1): number | undefined {
    for (let at = index + direction; at >= 0 && at < this.records.length; at += direction) {
      const type = (this.records[at] as DevtoolsRecord).type;
      if (type === 'transition' || type === 'hello') return at;
    }
    return undefined;
  }
}
