import { describe, expect, it } from 'vitest';
import { referenceProtocol, SessionClosedError, WirestateError, type Protocol } from '../../src/node.js';
import { eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';

/**
 * A machine action that throws (here: a custom protocol's handshake failing with a TypeError on the
 * second connection) stops the XState actor with an error. The session must still end: `closed`
 * and `close()` resolve, requests and streams are settled, and no socket is left behind.
 */
describe('a machine that fails with an exception', () => {
  it('ends the session instead of leaving close(), requests and streams hanging', async () => {
    const server = await startServer();
    const reference = referenceProtocol();
    let handshakes = 0;
    const protocol: Protocol = {
      ...reference,
      handshake: (context) => {
        handshakes++;
        if (handshakes > 2) throw new TypeError('custom handshake bug');
        return reference.handshake(context);
      },
    };
    const session = openSession({ endpoint: server.endpointUrl, protocol, lazy: false, requestTimeoutMs: Infinity });
    await waitForState(session, 'authorized');
    const streamEnd = new Promise<unknown>((resolve) => session.stream('btcusdt@trade').subscribe({ error: resolve, complete: () => resolve('completed') }));
    await eventually(() => server.subscribedStreams().includes('btcusdt@trade'), 'the subscribe', 2_000);
    let stateCompleted = false;
    session.state$.subscribe({ complete: () => (stateCompleted = true) });

    server.faults.dropConnection();
    // Idempotent: it waits for the next connection (which never comes) instead of failing with the drop.
    const pending = session.request('ECHO', 1, { idempotent: true });

    const reason = await withDeadline(session.closed, 'session.closed');
    expect(reason.clientRequested).toBe(false);
    expect(reason.error).toBeInstanceOf(WirestateError);
    expect((reason.error?.cause as Error | undefined)?.message).toContain('custom handshake bug');
    await withDeadline(session.close(), 'close()');
    await expect(withDeadline(pending, 'the pending request')).rejects.toBeInstanceOf(SessionClosedError);
    expect(await withDeadline(streamEnd, 'the stream')).toBeInstanceOf(WirestateError);
    expect(stateCompleted).toBe(true);
    expect(session.reportedErrors.every((error) => error instanceof WirestateError)).toBe(true);
    await eventually(() => server.connections().length === 0, 'no connection left', 2_000);
  });
});

function withDeadline<T>(promise: Promise<T>, what: string, ms = 2_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
