/**
 * What the panel shows, folded from records: live records are applied one by one as they come, a
 * replay folds a recording's records up to the slider's time. Pure data, no DOM.
 */
import type { ChartModel } from '../chart.js';
import type { CloseRecord, DevtoolsContext, DevtoolsRecord, StreamRow } from '../records.js';

/** One line of the event log. */
export interface LogEntry {
  readonly t: number;
  readonly kind: 'transition' | 'error' | 'gap';
  /** The trigger (transitions), the error's code, or `gaps$`. */
  readonly event: string;
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  readonly close?: CloseRecord;
  readonly retryDelayMs?: number;
  /** An error's message, or the streams a gap named. */
  readonly detail?: string;
}

/** A row of the streams table, with the rate measured between the last two samples. */
export interface StreamView extends StreamRow {
  /** Messages per second over the last sampling interval. */
  readonly rate: number;
}

/** Most log lines kept: older ones scroll away. */
export const MAX_LOG_ENTRIES = 500;

/** The panel's picture at one moment. */
export class PanelModel {
  chart: ChartModel | undefined;
  state: readonly string[] = [];
  /** The session's state as `state$` names it (the top-level chart state for recordings without it). */
  value = '';
  lastEdges: readonly string[] = [];
  context: DevtoolsContext | undefined;
  readonly log: LogEntry[] = [];
  readonly streams = new Map<string, StreamView>();
  /** Time of the latest record applied (epoch ms). */
  t = 0;
  private lastSampleAt: number | undefined;

  /** Applies one record. */
  apply(record: DevtoolsRecord): void {
    this.t = record.t;
    switch (record.type) {
      case 'hello':
        this.chart = record.chart;
        this.state = record.state;
        this.value = record.value ?? record.state[0] ?? '';
        this.lastEdges = [];
        this.context = record.context;
        this.streams.clear();
        for (const row of record.streams) this.streams.set(row.name, { ...row, rate: 0 });
        this.lastSampleAt = record.t;
        break;
      case 'transition':
        this.state = record.state;
        this.value = record.value ?? record.state[0] ?? '';
        this.lastEdges = record.edges;
        this.context = record.context;
        this.push({
          t: record.t,
          kind: 'transition',
          event: record.event,
          from: record.from,
          to: record.to,
          ...(record.close === undefined ? {} : { close: record.close }),
          ...(record.retryDelayMs === undefined ? {} : { retryDelayMs: record.retryDelayMs }),
        });
        break;
      case 'streams':
        this.sample(record.t, record.rows, record.removed ?? []);
        break;
      case 'error':
        this.push({ t: record.t, kind: 'error', event: record.code, detail: record.message });
        break;
      case 'gap':
        this.push({ t: record.t, kind: 'gap', event: 'gaps$', detail: record.streams.join(', ') });
        break;
    }
  }

  private push(entry: LogEntry): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
  }

  private sample(t: number, rows: readonly StreamRow[], removed: readonly string[]): void {
    const seconds = this.lastSampleAt === undefined ? 0 : (t - this.lastSampleAt) / 1_000;
    this.lastSampleAt = t;
    const changed = new Map(rows.map((row) => [row.name, row]));
    // A stream missing from a sample did not change: its rate over the interval is 0.
    for (const [name, view] of this.streams) if (!changed.has(name)) this.streams.set(name, { ...view, rate: 0 });
    for (const row of rows) {
      const before = this.streams.get(row.name);
      const delta = before === undefined ? 0 : row.messages - before.messages;
      this.streams.set(row.name, { ...row, rate: seconds > 0 && delta > 0 ? delta / seconds : 0 });
    }
    for (const name of removed) this.streams.delete(name);
  }
}
