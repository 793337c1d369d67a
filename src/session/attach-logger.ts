import type { LogLines } from './log-lines.js';
import type { LoggedSession, SessionLogger } from './logger.js';
import { onDemand } from '../on-demand.js';

/** What a log line is made from, with the session's clock read when it happened. */
type Held = (lines: LogLines) => void;

/** The code that turns a session's life into log lines: fetched by the first session that has a logger. */
export const logLinesCode = onDemand(() => import('./log-lines.js'));

/**
 * Logs a session's life from its `state$` and `errors$` (see `log-lines.ts` for the lines). The
 * code that writes the lines is loaded on demand: until it has, what happens is held, in order and
 * with the time it happened, and logged as soon as it arrives, so no line is lost or reordered. A
 * chunk that fails to load is logged at error level and fetched again with the next line.
 */
export function attachLogger(session: LoggedSession, logger: SessionLogger, now: () => number): void {
  let lines = logLinesCode.loaded?.logLines(logger);
  const held: Held[] = [];
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
      },
      (error: unknown) => {
        loading = false;
        try {
          logger.error?.call(logger, 'wirestate: logger code failed to load', { error });
        } catch {
          // A broken logger must not break the session.
        }
      },
    );
  };
  const record = (line: Held) => {
    if (lines !== undefined) return line(lines);
    held.push(line);
    if (!loading) loadLines();
  };
  session.state$.subscribe((snapshot) => {
    const at = now();
    record((to) => to.state(snapshot, at));
  });
  session.errors$.subscribe((error) => record((to) => to.error(error)));
}
