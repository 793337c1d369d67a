import { firstValueFrom, filter, skip, timeout } from 'rxjs';
import { afterEach } from 'vitest';
import { createSession, type Session, type SessionOptions, type SessionSnapshot, type SessionStateName, type WirestateError } from '../../src/node.js';
import { createTestServer, type TestServer, type TestServerOptions } from '../../src/testing/index.js';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Starts a reference server on 127.0.0.1, port 0, closed after the test. */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await createTestServer({ heartbeatMs: 1_000, initTimeoutMs: 1_000, resumeWindowMs: 2_000, ...options });
  cleanups.push(() => server.close());
  return server;
}

/** Fast timings for tests: small backoff, short phase timeouts. */
export const FAST: Partial<SessionOptions> = {
  reconnect: { initialDelayMs: 5, maxDelayMs: 50 },
  timeouts: { balancerMs: 1_000, connectMs: 1_000, initializeMs: 1_000, authorizeMs: 1_000 },
};

/** Creates a session closed after the test, with every error it reports recorded. */
export function openSession(options: SessionOptions): Session & { readonly reportedErrors: WirestateError[]; readonly states: SessionSnapshot[] } {
  const session = createSession({ ...FAST, ...options } as SessionOptions);
  const reportedErrors: WirestateError[] = [];
  const states: SessionSnapshot[] = [];
  session.errors$.subscribe((error) => reportedErrors.push(error));
  session.state$.subscribe((state) => states.push(state));
  cleanups.push(() => session.close());
  return Object.assign(session, { reportedErrors, states });
}

/** Resolves with the first snapshot in `state` (checked against the current one too), or fails after `timeoutMs`. */
export function waitForState(session: Session, state: SessionStateName, timeoutMs = 5_000): Promise<SessionSnapshot> {
  return firstValueFrom(
    session.state$.pipe(
      filter((snapshot) => snapshot.value === state),
      timeout({ first: timeoutMs, with: () => { throw new Error(`session did not reach '${state}' within ${timeoutMs} ms`); } }),
    ),
  );
}

/** Polls `check` until it returns true, bounded by `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Like {@link waitForState}, but ignores the snapshot current at the call: waits for the state to be entered anew. */
export function waitForNextState(session: Session, state: SessionStateName, timeoutMs = 5_000): Promise<SessionSnapshot> {
  return firstValueFrom(
    session.state$.pipe(
      skip(1),
      filter((snapshot) => snapshot.value === state),
      timeout({ first: timeoutMs, with: () => { throw new Error(`session did not enter '${state}' again within ${timeoutMs} ms`); } }),
    ),
  );
}
