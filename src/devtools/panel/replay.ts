/**
 * Replays a recording: the model at any time of it, folded from its records. Moving forward
 * applies only the records in between; moving back folds again from the start.
 */
import type { DevtoolsRecord } from '../records.js';
import { PanelModel } from './model.js';

/** A recording being replayed. */
export class Replay {
  readonly start: number;
  readonly end: number;
  private model = new PanelModel();
  private applied = 0;

  constructor(readonly records: readonly DevtoolsRecord[]) {
    this.start = records[0]?.t ?? 0;
    this.end = records.at(-1)?.t ?? this.start;
  }

  /** The picture at time `t` (every record up to and including `t`). */
  at(t: number): PanelModel {
    if (this.applied > 0 && (this.records[this.applied - 1] as DevtoolsRecord).t > t) {
      this.model = new PanelModel();
      this.applied = 0;
    }
    while (this.applied < this.records.length && (this.records[this.applied] as DevtoolsRecord).t <= t) {
      this.model.apply(this.records[this.applied] as DevtoolsRecord);
      this.applied++;
    }
    return this.model;
  }

  /** Times of the transitions, for stepping from one to the next. */
  transitionTimes(): number[] {
    return [...new Set(this.records.filter((record) => record.type === 'transition' || record.type === 'hello').map((record) => record.t))];
  }
}
