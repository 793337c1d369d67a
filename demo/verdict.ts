/**
 * The demo's verdict: did every message arrive once, in order, except where `gaps$` said a gap
 * might be, and did every injected fault end as it should?
 */
import type { Totals } from './stream-stats.js';

/** The outcome of a run. */
export interface Verdict {
  readonly ok: boolean;
  /** Why it failed (empty when it passed). */
  readonly reasons: readonly string[];
}

/** What the verdict is made of. */
export interface VerdictInput {
  readonly totals: Totals;
  /** Fault checks that failed. */
  readonly failedChecks: number;
  /** The error the session ended with before the demo stopped it, if any. */
  readonly fatalError: string | undefined;
}

/**
 * Judges a run. It fails when no message arrived, when a stream skipped ahead without `gaps$`
 * announcing it (a lost message), when a message came twice or out of order, when a fault did not
 * end as expected, or when the session ended by itself.
 *
 * @example
 * ```ts
 * judge({ totals: { received: 10, rate: 0, announcedGaps: 0, unannouncedGaps: 1, duplicates: 0, checkedStreams: 1 }, failedChecks: 0, fatalError: undefined });
 * // { ok: false, reasons: ['1 unannounced gap: messages were lost where none should be'] }
 * ```
 */
export function judge(input: VerdictInput): Verdict {
  const { totals } = input;
  const reasons: string[] = [];
  if (totals.received === 0) reasons.push('no message arrived');
  if (totals.unannouncedGaps > 0) {
    reasons.push(`${totals.unannouncedGaps} unannounced gap${totals.unannouncedGaps === 1 ? '' : 's'}: messages were lost where none should be`);
  }
  if (totals.duplicates > 0) reasons.push(`${totals.duplicates} message${totals.duplicates === 1 ? '' : 's'} duplicated or out of order`);
  if (input.failedChecks > 0) reasons.push(`${input.failedChecks} fault check${input.failedChecks === 1 ? '' : 's'} failed`);
  if (input.fatalError !== undefined) reasons.push(`the session ended by itself: ${input.fatalError}`);
  return { ok: reasons.length === 0, reasons };
}
