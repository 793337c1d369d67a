import { Subscription, type Observable } from 'rxjs';
import { OptionsError, RequestAbortedError, SessionClosedError, StateTimeoutError, type WirestateError } from '../errors.js';
import type { SessionStateName } from '../machine/types.js';
import { MAX_TIMER_DELAY_MS } from '../constants.js';
import { checkSignal, checkTimeoutMs } from './call-option-rules.js';
import { keysOf, nestedOptions } from './option-keys.js';
import type { SessionSnapshot } from './snapshot.js';

/** Options of `session.ready()` and `session.waitFor()`. */
export interface WaitOptions {
  /** Aborting it rejects the wait with a RequestAbortedError; the session carries on. */
  readonly signal?: AbortSignal;
  /**
   * Rejects with a StateTimeoutError when the state is not reached within this many ms; the
   * session carries on. A positive number or `Infinity`, as `request()`'s `timeoutMs`: 0 or less
   * is an OptionsError.
   * @default Infinity (wait until the state is reached or the session closes)
   */
  readonly timeoutMs?: number;
}

/** Every key of {@link WaitOptions}. */
const WAIT_OPTION_KEYS = keysOf({ signal: true, timeoutMs: true } satisfies Record<keyof WaitOptions, true>);

/** Every state `state$` names, in the order a session goes through them. */
export const SESSION_STATE_NAMES = keysOf({
  idle: true, resolving: true, connecting: true, initializing: true, authorizing: true, authorized: true, resuming: true, reconnecting: true, closed: true,
} satisfies Record<SessionStateName, true>) as readonly SessionStateName[];

/**
 * Checks a wait's arguments by the rules of `request()`'s options (see {@link checkTimeoutMs}) and
 * gives its timer delay, or undefined for none; throws an OptionsError for a state `state$` never
 * names, options that are not an object, an unknown key or a wrong value. `method` names the call
 * in messages (`ready.timeotMs is not an option`).
 */
function checkedTimerDelay(method: string, state: unknown, options: unknown): number | undefined {
  if (!SESSION_STATE_NAMES.includes(state as SessionStateName)) {
    throw new OptionsError(`state must be one of ${SESSION_STATE_NAMES.join(', ')}`);
  }
  const { signal, timeoutMs } = nestedOptions(method, options, WAIT_OPTION_KEYS) as WaitOptions;
  checkSignal(signal);
  const checked = checkTimeoutMs(timeoutMs);
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
 * `timeoutMs`, with a RequestAbortedError when `signal` aborts, and with an OptionsError for a
 * state `state$` never names or a bad option (see {@link checkedTimerDelay}). Leaves no subscription,
 * timer or listener behind once settled. `method` is the call that waits, for messages (default `waitFor`).
 */
export function waitForState(state$: Observable<SessionSnapshot>, state: SessionStateName, options: WaitOptions = {}, method: 'ready' | 'waitFor' = 'waitFor'): Promise<SessionSnapshot> {
  return new Promise<SessionSnapshot>((resolve, reject) => {
    // Thrown inside the executor, a bad argument rejects the promise rather than throwing at the call.
    const timeoutMs = checkedTimerDelay(method, state, options);
    const { signal } = options;
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
