/** The event log: newest first, one row per transition, error or gap. */
import type { LogEntry } from './model.js';
import { clockTime, html, row } from './dom.js';

/** Most rows drawn; the model keeps more for a replay's sake. */
const DRAWN_ROWS = 200;

/** The cells of one log row: time, event, from → to, close, retry delay. */
export function logCells(entry: LogEntry): string[] {
  const move = entry.kind === 'transition' ? `${(entry.from ?? []).join(', ')} → ${(entry.to ?? []).join(', ')}` : (entry.detail ?? '');
  const close = entry.close === undefined ? '' : `${entry.close.code}${entry.close.reason === '' ? '' : ` ${entry.close.reason}`}`;
  const retry = entry.retryDelayMs === undefined ? '' : `${entry.retryDelayMs} ms`;
  return [clockTime(entry.t), entry.event, move, close, retry];
}

/** Creates the log table; `render` redraws it when the log changed. */
export function createLogView(host: HTMLElement): { render(log: readonly LogEntry[]): void } {
  const table = html('table', 'wsd-log-table');
  const head = html('thead');
  head.append(row(['time', 'event', 'from → to', 'close', 'retry delay']));
  const body = html('tbody');
  table.append(head, body);
  host.append(table);
  let drawnLength = -1;
  let drawnLast: LogEntry | undefined;
  return {
    render(log) {
      if (log.length === drawnLength && log.at(-1) === drawnLast) return;
      drawnLength = log.length;
      drawnLast = log.at(-1);
      const rows = log.slice(-DRAWN_ROWS).reverse().map((entry) => {
        const tr = row(logCells(entry), `wsd-log-${entry.kind}`);
        if (entry.to !== undefined) tr.dataset['to'] = entry.to.join(' ');
        if (entry.close !== undefined) tr.dataset['close'] = String(entry.close.code);
        return tr;
      });
      body.replaceChildren(...rows);
    },
  };
}
