import type { LogLines } from './log-lines.js';
import { writeLine, type LoggedSession, type SessionLogger } from './logger.js';
import { onDemand } from '../on-demand.js';

/** What a log line is made from, with the session's clock read when it happened. */
type Held = (lines: LogLines) => void;

/**
 * How many lines are held at most while the code loads: a chunk fetch that never settles (a stalled
 * connection) must not grow memory without end in a long-lived session. Past it, lines are counted.
 */
export const MAX_HELD_LINES = 1_000;

/** The code that turns a session's life into log lines: fetched by the first session that has a logger. */
export const logLinesCode = onDemand(() => import('./log-lines.js'));

/**
 * Logs a session's life from its `state$` and `errors$` (see `log-lines.ts` for the lines). The
 * code that writes the lines is loaded on demand: until it has, what happens is held, in order and
 * with the time it happened, and logged as soon as it arrives, so no line is lost or reordered. A
 * chunk that fails to load is logged at error level, with how many lines wait for it, and fetched
 * again with the next line. Past {@link MAX_HELD_LINES} lines are dropped, and counted in a warning
 * once the code has loaded.
 */
export function attachLogger(session: LoggedSession, logger: SessionLogger, now: () => number): void {
  let lines = logLinesCode.loaded?.logLines(logger);
  const held: Held[] = [];
  let dropped = 0;
  let loading = false;
  const loadLines = () => {
    loading = true;
    logLinesCode.load().then(
      (code) => {
        const ready = code.logLines(logger);
        // Lines keep being held until every older one is written: a logger that makes the session
        // move (closes it, say) adds lines meanwhile, and they go after, not in between.
        for (let index = 0; index < held.length; index++) held[index]?.(ready);
        held.length = 0;
        lines = ready;
        if (dropped > 0) writeLine(logger, 'warn', 'wirestate: log lines dropped while the logger code loaded', { dropped });
        dropped = 0;
      },
      (error: unknown) => {
        loading = false;
        writeLine(logger, 'error', 'wirestate: logger code failed to load', { error, held: held.length + dropped });
      },
    );
  };
  const record = (line: Held) => {
    if (lines !== undefined) return line(lines);
    if (held.length < MAX_HELD_LINES) held.push(line);
    else dropped++;
    if (!loading) loadLines();
  };
  session.state$.subscribe((snapshot) => {
    const at = now();
    record((to) => to.state(snapshot, at));
  });
  session.errors$.subscribe((error) => record((to) => to.error(error)));
}
