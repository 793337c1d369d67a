import { describe, expect, it } from 'vitest';
import { ConnectionLostError } from '../../src/node.js';
import { eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';

/**
 * Requests in flight on the connection a rotation replaces (docs/lifecycle.md, "Rotation"): the
 * socket keeps account of what it sent until the answer, so the handover waits for recent answers
 * before resuming elsewhere, and reports what the old connection never answered as lost.
 */

const rotations = (session: ReturnType<typeof openSession>) => session.actor.getSnapshot().context.rotations;

describe('requests in flight across a rotation', () => {
  it('waits for the answer to a request sent on the old connection before resuming on the new one', async () => {
    // Rotates about 150 ms after connecting; the answer comes 400 ms after the request.
    const server = await startServer({
      maxLifetimeMs: 3_000,
      methods: { SLOW: (params: unknown) => new Promise((resolve) => setTimeout(() => resolve(params), 400)) },
    });
    const session = openSession({ endpoint: server.endpointUrl, lazy: false, reconnect: { minUptimeMs: 50 }, rotation: { marginMs: 2_850 } });
    await waitForState(session, 'authorized');
    const answer = session.request('SLOW', 'kept', { timeoutMs: 4_000 });
    await expect(answer).resolves.toBe('kept');
    await eventually(() => rotations(session) >= 1, 'a rotation', 4_000);
    expect(server.packets((packet) => packet.method === 'SLOW')).toHaveLength(1);
  });

  it('rejects a request the old connection never answered with ConnectionLostError once it is replaced, not at its timeout', async () => {
    const server = await startServer({ maxLifetimeMs: 3_000, methods: { HANG: () => new Promise(() => {}) } });
    const session = openSession({ endpoint: server.endpointUrl, lazy: false, reconnect: { minUptimeMs: 50 }, rotation: { marginMs: 2_850 } });
    await waitForState(session, 'authorized');
    const started = performance.now();
    const hanging = session.request('HANG', null, { timeoutMs: 4_500 });
    await expect(hanging).rejects.toBeInstanceOf(ConnectionLostError);
    // The drain waits at most a second for recent answers; the timeout would have come at 4.5 s.
    expect(performance.now() - started).toBeLessThan(4_000);
    await eventually(() => rotations(session) >= 1, 'the rotation completed', 4_000);
  });
});
