import { describe, expect, it } from 'vitest';
import { openSession, startServer, waitForState } from '../helpers/session-harness.js';

/**
 * setTimeout fires after 1 ms for any delay above 2^31-1 ms (Infinity included), so a timeout option
 * meant as "practically never" must not reach a timer as it is.
 */
describe('timer options beyond what setTimeout can hold', () => {
  it('Infinity phase timeouts and heartbeat mean "never", not "at once"', async () => {
    const server = await startServer();
    const session = openSession({
      balancer: server.balancerUrl,
      timeouts: { balancerMs: Infinity, connectMs: Infinity, initializeMs: Infinity, authorizeMs: 2 ** 31 },
      heartbeatMs: Infinity,
      lazy: false,
    });
    await waitForState(session, 'authorized');
    await expect(session.request('ECHO', 1)).resolves.toBe(1);

    // With the heartbeat reaching a timer as Infinity, the liveness check ran every millisecond.
    let transitions = 0;
    const watch = session.actor.subscribe(() => transitions++);
    await new Promise((resolve) => setTimeout(resolve, 100));
    watch.unsubscribe();

    expect(session.reportedErrors).toEqual([]);
    expect(session.states.map((state) => state.value)).not.toContain('reconnecting');
    expect(transitions).toBeLessThan(5);
  });
});
