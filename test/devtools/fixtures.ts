/** Shared set-up of the devtools' Node tests: a reference server, sessions on it, cleaned up after each test. */
import { afterEach } from 'vitest';
import { createSession, type Session, type SessionOptions } from '../../src/node.js';
import { createTestServer, type TestServer, type TestServerOptions } from '../../src/testing/index.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `cleanup` after the current test, in reverse order of registration. */
export function afterThisTest(cleanup: () => Promise<unknown> | unknown): void {
  cleanups.push(cleanup);
}

/** A reference server with short timings, closed after the test. */
export async function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await createTestServer({ heartbeatMs: 1_000, resumeWindowMs: 5_000, ...options });
  afterThisTest(() => server.close());
  return server;
}

/** A session with a fast backoff, closed after the test. */
export function openSession(options: SessionOptions): Session {
  const session = createSession({ reconnect: { initialDelayMs: 20, maxDelayMs: 100 }, ...options });
  afterThisTest(() => session.close());
  return session;
}

export { eventually } from '../helpers/eventually.js';
