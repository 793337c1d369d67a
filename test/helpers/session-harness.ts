import { afterEach } from 'vitest';
import { createSession, type SessionOptions } from '../../src/node.js';
import { createTestServer, type TestServer, type TestServerOptions } from '../../src/testing/index.js';
import { recordSession, type RecordedSession } from './session-waits.js';

export { waitForNextState, waitForState, type RecordedSession } from './session-waits.js';

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
export function openSession(options: SessionOptions): RecordedSession {
  const session = createSession({ ...FAST, ...options } as SessionOptions);
  cleanups.push(() => session.close());
  return recordSession(session);
}

export { eventually } from './eventually.js';
