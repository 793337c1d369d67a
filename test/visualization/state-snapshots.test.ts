import { describe, expect, it } from 'vitest';
import { backoffDelay, type SessionSnapshot } from '../../src/node.js';
import { eventually, openSession, startServer, waitForNextState, waitForState } from '../helpers/session-harness.js';

/** A clock that remembers its latest reading, so a test can check which reading a field was computed from. */
function recordingClock(): { now: () => number; latest: () => number | undefined } {
  let latest: number | undefined;
  return {
    latest: () => latest,
    now: () => (latest = Date.now()),
  };
}

const reconnect = { initialDelayMs: 40, maxDelayMs: 1_000, multiplier: 2, minUptimeMs: 150 };
const half = () => 0.5;

describe('state$ snapshots carry what a UI shows', () => {
  it('while reconnecting: the attempt number and when the next try fires, computed from the backoff', async () => {
    const server = await startServer({ location: 'eu-ui' });
    const clock = recordingClock();
    const session = openSession({ balancer: server.balancerUrl, reconnect, random: half, now: clock.now, lazy: false });
    const ready = await waitForState(session, 'authorized');
    expect(ready).toMatchObject({ value: 'authorized', attempt: 0, endpoint: server.endpointUrl, location: 'eu-ui' });
    expect(ready.nextRetryAt).toBeUndefined();

    session.states.length = 0;
    // The snapshot is emitted in the same synchronous step that read the clock for the retry time.
    const readingAtEmission = new Map<SessionSnapshot, number | undefined>();
    const watching = session.state$.subscribe((state) => readingAtEmission.set(state, clock.latest()));
    server.faults.refuseConnections({ times: 2 });
    const back = waitForNextState(session, 'authorized');
    server.faults.dropConnection();
    const recovered = await back;
    watching.unsubscribe();

    const waits = session.states.filter((state) => state.value === 'reconnecting');
    expect(waits.map((state) => state.attempt)).toEqual([1, 2, 3]);
    waits.forEach((state, index) => {
      const delay = backoffDelay(index, { ...reconnect, longDelayFactor: 8, maxAttempts: Infinity }, half);
      // nextRetryAt is the clock reading at the decision plus the backoff delay for that attempt.
      expect(state.nextRetryAt, `reconnect ${index + 1}`).toBe((readingAtEmission.get(state) ?? NaN) + delay);
      expect(state.lastClose?.code).toBe(1006);
    });
    // Only the waiting state carries a retry time; the UI can count down from it.
    expect(session.states.filter((state) => state.value !== 'reconnecting').every((state) => state.nextRetryAt === undefined)).toBe(true);
    // The count starts over once the connection has stayed up for minUptimeMs, not at once.
    expect(recovered.attempt).toBe(3);
    await eventually(() => session.states.some((state) => state.value === 'authorized' && state.attempt === 0), 'attempt reset', 5_000);
    expect(session.states.at(-1)).toMatchObject({ attempt: 0, location: 'eu-ui', endpoint: server.endpointUrl });
    expect(recovered.nextRetryAt).toBeUndefined();
  });

  it('after a server close: its code and reason in lastClose, kept once the session is back', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, reconnect, random: half, lazy: false });
    await waitForState(session, 'authorized');
    const waiting = waitForNextState(session, 'reconnecting');
    const back = waitForNextState(session, 'authorized');
    server.faults.closeConnection('all', 1011, 'overloaded');

    const reconnecting = await waiting;
    expect(reconnecting.lastClose).toEqual({ code: 1011, reason: 'overloaded', wasClean: true });
    expect(reconnecting.attempt).toBe(1);
    const resumed = await back;
    expect(resumed.resumed).toBe(true);
    expect(resumed.lastClose).toEqual({ code: 1011, reason: 'overloaded', wasClean: true });
  });

  it('after a fatal close: closed, with the code and reason in both lastClose and closedReason', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, lazy: false });
    await waitForState(session, 'authorized');
    const closing = waitForNextState(session, 'closed');
    server.faults.closeConnection('all', 4000, 'taken over');
    const closed: SessionSnapshot = await closing;
    expect(closed.lastClose).toMatchObject({ code: 4000, reason: 'taken over' });
    expect(closed.closedReason).toMatchObject({ code: 4000, reason: 'taken over', clientRequested: false });
    expect(closed.attempt).toBe(0);
  });
});
