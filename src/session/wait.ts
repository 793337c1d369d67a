import { Subscription, type Observable } from 'rxjs';
import { RequestAbortedError, SessionClosedError, StateTimeoutError, type WirestateError } from '../errors.js';
import type { SessionStateName } from '../machine/types.js';
import { MAX_TIMER_DELAY_MS } from '../constants.js';
import { numberOption, type NumberRule } from './number-option.js';
import type { SessionSnapshot } from './snapshot.js';

/** Options of `session.ready()` and `session.waitFor()`. */
export interface WaitOptions {
  /** Aborting it rejects the wait with a RequestAbortedError; the session carries on. */
  readonly signal?: AbortSignal;
  /**
   * Rejects with a StateTimeoutError when the state is not reached within this many ms; the
   * session carries on.
   * @default Infinity (wait until the state is reached or the session closes)
   */
  readonly timeoutMs?: number;
}

/** `timeoutMs` of a wait: any non-negative number of ms, `Infinity` (the default) for none. */
const WAIT_TIMEOUT: NumberRule = { min: 0, allowInfinity: true };

/** The timer delay of a wait, or undefined for none; an OptionsError when `timeoutMs` is wrong. */
function timerDelayOf(timeoutMs: unknown): number | undefined {
  const checked = numberOption('timeoutMs', timeoutMs, WAIT_TIMEOUT);
  return checked === undefined || checked === Infinity ? undefined : Math.min(checked, MAX_TIMER_DELAY_MS);
}

/** Why a session that closed cannot reach `state` any more: its fatal error, or a SessionClosedError. */
function closingError(snapshot: SessionSnapshot | undefined): WirestateError {
  const error = snapshot?.closedReason?.error;
  return error ?? new SessionClosedError();
}

/**
 * Resolves with the first snapshot of `state$` whose state is `state` (the current one counts).
 * Rejects with the session's closing error when it closes first, with a StateTimeoutError after
 * `timeoutMs`, and with a RequestAbortedError when `signal` aborts. Leaves no subscription,
 * timer or listener behind once settled.
 */
export function waitForState(state$: Observable<SessionSnapshot>, state: SessionStateName, options: WaitOptions = {}): Promise<SessionSnapshot> {
  const { signal } = options;
  return new Promise<SessionSnapshot>((resolve, reject) => {
    // Thrown inside the executor, a bad option rejects the promise rather than throwing at the call.
    const timeoutMs = timerDelayOf(options.timeoutMs);
    if (signal?.aborted === true) return reject(new RequestAbortedError(`waitFor('${state}')`, { cause: signal.reason }));
    let settled = false;
    // Unsubscribing it first makes the later add() tear down at once: state$ replays synchronously.
    const subscription = new Subscription();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: SessionSnapshot | undefined;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      subscription.unsubscribe();
      outcome();
    };
    const onAbort = () => settle(() => reject(new RequestAbortedError(`waitFor('${state}')`, { cause: signal?.reason })));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) timer = setTimeout(() => settle(() => reject(new StateTimeoutError(state, timeoutMs))), timeoutMs);
    subscription.add(state$.subscribe({
      next(snapshot) {
        last = snapshot;
        if (snapshot.value === state) settle(() => resolve(snapshot));
        else if (snapshot.value === 'closed') settle(() => reject(closingError(snapshot)));
      },
      complete: () => settle(() => reject(closingError(last))),
    }));
  });
}
