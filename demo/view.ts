/**
 * What the demo shows: a compact live frame for a terminal, a one-line summary for logs, and the
 * final verdict. Pure formatting: lines of text from the numbers.
 */
import type { SessionSnapshot } from '../src/node.js';
import { fit, formatCount, formatElapsed, formatMs, sparkline } from './format.js';
import type { StreamStats, Totals } from './stream-stats.js';
import type { Timeline, Transition } from './timeline.js';
import type { Verdict } from './verdict.js';

/** Colours; every function is the identity when colour is off. */
export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
}

/** A style with ANSI colours, or none. */
export function createStyle(colour: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (colour ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}

/** Everything a frame is drawn from. */
export interface ViewModel {
  readonly elapsedMs: number;
  readonly durationMs: number;
  readonly codec: string;
  /** Where the session connects, in words. */
  readonly target: string;
  readonly snapshot: SessionSnapshot | undefined;
  readonly timeline: Timeline;
  readonly streams: readonly StreamStats[];
  readonly totals: Totals;
  /** Total messages per second, one value per second, oldest first. */
  readonly rateHistory: readonly number[];
  readonly errors: number;
  readonly lastError: string | undefined;
}

/** How wide one stream cell is, separator included. */
const CELL_WIDTH = 38;
const EVENTS_SHOWN = 4;
const TRANSITIONS_SHOWN = 6;

function describeState(snapshot: SessionSnapshot | undefined, style: Style): string {
  if (snapshot === undefined) return style.dim('starting');
  const value = snapshot.value;
  const coloured = value === 'authorized' ? style.green(value) : value === 'closed' ? style.red(value) : style.yellow(value);
  const parts = [style.bold(coloured)];
  if (value === 'authorized') parts.push(snapshot.resumed ? 'resumed' : 'fresh');
  if (snapshot.sessionId !== undefined) parts.push(`session ${snapshot.sessionId}`);
  if (snapshot.codec !== undefined) parts.push(snapshot.codec);
  if (snapshot.attempt > 0) parts.push(`attempt ${snapshot.attempt}`);
  if (snapshot.lastClose !== undefined) parts.push(style.dim(`last close ${snapshot.lastClose.code}`));
  return parts.join(' · ');
}

function describeTransitions(transitions: readonly Transition[], style: Style): string {
  return transitions
    .slice(-TRANSITIONS_SHOWN)
    .map((transition) => `${transition.state} ${style.dim(`${(transition.atMs / 1_000).toFixed(1)}s`)}`)
    .join(style.dim(' › '));
}

function describeTotals(totals: Totals, style: Style): string {
  const lost = totals.unannouncedGaps === 0 ? style.green('0 lost') : style.red(`${totals.unannouncedGaps} lost`);
  const dupes = totals.duplicates === 0 ? style.green('0 dupes') : style.red(`${totals.duplicates} dupes`);
  return `${formatCount(totals.received)} msgs · ${formatCount(totals.rate)} msg/s · ${lost} · ${dupes} · ${totals.announcedGaps} announced gaps`;
}

function streamCell(stream: StreamStats, style: Style): string {
  const trouble = stream.unannouncedGaps + stream.duplicates;
  const mark = trouble > 0 ? style.red('✗') : stream.received > 0 ? style.green('✓') : style.dim('·');
  const rate = `${formatCount(stream.rate())}/s`.padStart(6);
  return `${mark} ${fit(stream.name, 15)} ${fit(stream.lastValue ?? '', 10)} ${rate}`;
}

/** Visible length of a line (ANSI sequences do not count). */
function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/** Cuts a (possibly coloured) line to `width` visible characters. */
function clip(line: string, width: number, style: Style): string {
  if (visibleLength(line) <= width) return line;
  // eslint-disable-next-line no-control-regex
  const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
  return style.dim(`${plain.slice(0, Math.max(0, width - 1))}…`);
}

/**
 * The live frame: header, state, totals, recent events, then the streams in as many columns as
 * fit. Never taller than `height` nor wider than `width`, so it can be redrawn in place.
 */
export function liveFrame(model: ViewModel, style: Style, width: number, height: number): string[] {
  const duration = Number.isFinite(model.durationMs) ? `${(model.durationMs / 1_000).toFixed(0)}s` : 'endless (Ctrl-C ends)';
  const label = (text: string) => style.cyan(text.padEnd(8));
  const lines = [
    `${style.bold('wirestate demo')} · ${model.codec} · ${model.target} · ${(model.elapsedMs / 1_000).toFixed(1)}s / ${duration}`,
    `${label('session')} ${describeState(model.snapshot, style)}`,
    `${label('states')} ${describeTransitions(model.timeline.transitions, style)}`,
    `${label('totals')} ${describeTotals(model.totals, style)}`,
    `${label('rate')} ${style.cyan(sparkline(model.rateHistory.slice(-40)))}${model.errors > 0 ? `  ${style.yellow(`${model.errors} errors, last: ${model.lastError ?? ''}`)}` : ''}`,
  ];
  const events = model.timeline.events.slice(-EVENTS_SHOWN);
  for (const event of events) {
    const text = event.tone === 'good' ? style.green(event.text) : event.tone === 'bad' ? style.red(event.text) : event.text;
    lines.push(`${style.dim(formatElapsed(event.atMs))} ${text}`);
  }
  const columns = Math.max(1, Math.floor((width + 2) / CELL_WIDTH));
  const rowsNeeded = Math.ceil(model.streams.length / columns);
  const rowsFree = Math.max(1, height - lines.length - 2);
  const rows = Math.min(rowsNeeded, rowsFree);
  const shown = rowsNeeded > rowsFree ? Math.max(0, rows * columns - 1) : model.streams.length;
  lines.push(style.dim(`streams (${model.streams.length}: msg/s, last price or best bid)`));
  for (let row = 0; row < rows; row++) {
    const cells: string[] = [];
    for (let column = 0; column < columns; column++) {
      const index = column * rows + row;
      if (index >= shown) continue;
      const stream = model.streams[index];
      if (stream !== undefined) cells.push(streamCell(stream, style));
    }
    if (row === rows - 1 && shown < model.streams.length) cells.push(style.dim(`… ${model.streams.length - shown} more`));
    lines.push(cells.join('  '));
  }
  return lines.slice(0, Math.max(1, height - 1)).map((line) => clip(line, width - 1, style));
}

/** One line for logs: state, totals and the states passed through since the previous line. */
export function summaryLine(model: ViewModel, passedThrough: readonly Transition[]): string {
  const snapshot = model.snapshot;
  const state = snapshot === undefined ? 'starting' : `${snapshot.value}${snapshot.sessionId === undefined ? '' : ` (${snapshot.sessionId})`}`;
  const totals = model.totals;
  const parts = [
    `[${formatElapsed(model.elapsedMs)}] ${state}`,
    `${model.streams.length} streams`,
    `${formatCount(totals.received)} msgs`,
    `${formatCount(totals.rate)} msg/s`,
    `lost ${totals.unannouncedGaps}`,
    `dupes ${totals.duplicates}`,
    `announced gaps ${totals.announcedGaps}`,
  ];
  if (passedThrough.length > 0) parts.push(`states ${passedThrough.map((transition) => transition.state).join('→')}`);
  if (model.errors > 0) parts.push(`errors ${model.errors}`);
  return parts.join(' · ');
}

/** One line for an event, for logs. */
export function eventLine(atMs: number, text: string): string {
  return `[${formatElapsed(atMs)}] ${text}`;
}

/** The closing lines: the verdict and every check. */
export function verdictLines(verdict: Verdict, model: ViewModel, style: Style): string[] {
  const head = verdict.ok ? style.green(style.bold('PASS')) : style.red(style.bold('FAIL'));
  const totals = model.totals;
  const lines = [
    `verdict: ${head} · ${formatCount(totals.received)} messages on ${model.streams.length} streams in ${formatMs(model.elapsedMs)} · ` +
      `${totals.unannouncedGaps} lost · ${totals.duplicates} duplicated · ${totals.announcedGaps} gaps announced by gaps$ · ` +
      `sequence checked on ${totals.checkedStreams} streams`,
  ];
  for (const check of model.timeline.checks) lines.push(`  ${check.ok ? style.green('ok  ') : style.red('FAIL')} ${check.name}: ${check.detail}`);
  for (const reason of verdict.reasons) lines.push(`  ${style.red('why ')} ${reason}`);
  return lines;
}
