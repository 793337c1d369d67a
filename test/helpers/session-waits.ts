/**
 * Waits on a session's state and a recorder of what it reports, shared by the Node and browser
 * harnesses: only RxJS and the browser-safe entry's types, so it runs in both.
 */
import { filter, firstValueFrom, skip, timeout } from 'rxjs';
import type { Session, SessionSnapshot, SessionStateName, WirestateError } from '../../src/index.js';

/** A session recording its snapshots and errors. */
export type RecordedSession = Session & { readonly states: SessionSnapshot[]; readonly reportedErrors: WirestateError[] };

/** Starts recording every snapshot and reported error of `session`. */
export function recordSession(session: Session): RecordedSession {
  const states: SessionSnapshot[] = [];
  const reportedErrors: WirestateError[] = [];
  session.state$.subscribe((state) => states.push(state));
  session.errors$.subscribe((error) => reportedErrors.push(error));
  return Object.assign(session, { states, reportedErrors });
}

function waitFor(session: Session, state: SessionStateName, timeoutMs: number, skipCurrent: boolean, what: string): Promise<SessionSnapshot> {
  return firstValueFrom(
    session.state$.pipe(
      skip(skipCurrent ? 1 : 0),
      filter((snapshot) => snapshot.value === state),
      timeout({ first: timeoutMs, with: () => { throw new Error(`session did not ${what} '${state}' within ${timeoutMs} ms`); } }),
    ),
  );
}

/** Resolves with the first snapshot in `state` (the current one included), or fails after `timeoutMs`. */
export function waitForState(session: Session, state: SessionStateName, timeoutMs = 5_000): Promise<SessionSnapshot> {
  return waitFor(session, state, timeoutMs, false, 'reach');
}

/** Like {@link waitForState}, but ignores the snapshot current at the call: waits for the state to be entered anew. */
export function waitForNextState(session: Session, state: SessionStateName, timeoutMs = 5_000): Promise<SessionSnapshot> {
  return waitFor(session, state, timeoutMs, true, 'enter again');
}
