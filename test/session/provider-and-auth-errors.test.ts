import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, UnauthorizedError } from '../../src/node.js';
import { eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';

describe('errors of providers and of authorization', () => {
  it('a token provider that fails while resuming is reported on errors$, as when connecting', async () => {
    const server = await startServer({ auth: { tokens: ['t0ken'] } });
    let calls = 0;
    const session = openSession({
      endpoint: server.endpointUrl,
      auth: {
        token: () => {
          if (++calls > 1) throw new Error('token service down');
          return 't0ken';
        },
      },
      lazy: false,
    });
    await waitForState(session, 'authorized');
    server.faults.dropConnection();

    await eventually(() => calls > 1, 'the provider to be asked again for the resume', 2_000);
    await eventually(
      () => session.reportedErrors.some((error) => error.code === 'connection' && (error.cause as Error | undefined)?.message.includes('token service down') === true),
      "the provider's failure on errors$",
      2_000,
    );
  });

  it('an earlier rejected authorize does not become the error of a later, unrelated fatal close', async () => {
    const server = await startServer({ auth: { tokens: ['fresh'] } });
    let calls = 0;
    const session = openSession({
      endpoint: server.endpointUrl,
      // 'packet': the stale token is rejected by the AUTHORIZE request (401, then close 4001).
      auth: {
        token: () => {
          if (++calls === 2) server.faults.refuseConnections();
          return calls === 1 ? 'stale' : 'fresh';
        },
        transport: 'packet',
      },
      reconnect: { initialDelayMs: 5, maxDelayMs: 50, maxAttempts: 1 },
      lazy: false,
    });

    const closed = await session.closed;
    expect(calls).toBe(2);
    // The retry with the fresh token never reached the server: the session gave up on the connection, not on the credentials.
    expect(closed.error).not.toBeInstanceOf(UnauthorizedError);
    expect(closed.error).toBeInstanceOf(ConnectionClosedError);
    expect(closed.error?.message).toContain('gave up after 1 reconnect attempt');
  });
});
