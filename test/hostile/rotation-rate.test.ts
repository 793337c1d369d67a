import { describe, expect, it } from 'vitest';
import { backoffCeiling, createSession, DEFAULT_BACKOFF, OptionsError } from '../../src/node.js';
import { openSession, startServer } from '../helpers/session-harness.js';
import { atCeiling, gapsBetween } from './hostile-server.js';

/**
 * Rotation opens connections too, so the attempt-rate rule holds for it (docs/lifecycle.md,
 * "Rotation"): only a connection that proved itself (stayed authorized `minUptimeMs`) is rotated.
 * Before the fix, a server announcing a 50 ms lifetime was rotated every 45 ms for ever (108
 * handshakes in 5 s with the defaults, `attempt` staying 0), and a user's `{ lifetimeMs: 50,
 * marginMs: 45 }` every 5 ms (352 handshakes in 2 s).
 */
const reconnect = { initialDelayMs: 100, maxDelayMs: 400 };
const WATCH_MS = 1_300;

describe('rotation against a short connection lifetime', () => {
  it('a server announcing a 50 ms lifetime is not rotated in a storm: its 1001 closes meet the backoff', async () => {
    const server = await startServer({ maxLifetimeMs: 50 });
    const session = openSession({ endpoint: server.endpointUrl, reconnect, random: atCeiling, lazy: false });
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    const { rotations, attempt } = session.actor.getSnapshot().context;
    await session.close();
    const handshakes = server.handshakes();
    // Each connection lives 50 ms, then the backoff: 0 (the first resume is immediate), 100, 200, 400, 400 ms.
    expect(handshakes.length).toBeLessThanOrEqual(7);
    expect(rotations).toBe(0);
    expect(attempt).toBeGreaterThan(1);
    gapsBetween(handshakes.map((handshake) => ({ at: handshake.time }))).forEach((gap, index) => {
      if (index === 0) return;
      expect(gap, `gap before handshake ${index + 2}`).toBeGreaterThanOrEqual(backoffCeiling(index, { ...DEFAULT_BACKOFF, ...reconnect }) - 2);
    });
  });

  it('a connection that proved itself is rotated, and rotations are at least minUptimeMs apart', async () => {
    const server = await startServer({ maxLifetimeMs: 400 });
    const session = openSession({ endpoint: server.endpointUrl, reconnect: { ...reconnect, minUptimeMs: 150 }, rotation: { marginMs: 100 }, lazy: false });
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    const { rotations } = session.actor.getSnapshot().context;
    await session.close();
    expect(rotations).toBeGreaterThanOrEqual(2);
    const gaps = gapsBetween(server.handshakes().map((handshake) => ({ at: handshake.time })));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(150 - 2);
  });

  it('refuses a rotation option that leaves a connection no time to prove itself', () => {
    const endpoint = 'ws://127.0.0.1:9/ws';
    expect(() => createSession({ endpoint, rotation: { lifetimeMs: 50, marginMs: 45 } })).toThrow(OptionsError);
    expect(() => createSession({ endpoint, rotation: { lifetimeMs: 50, marginMs: 45 } })).toThrow('rotation.lifetimeMs must exceed its margin by reconnect.minUptimeMs (5000 ms)');
    expect(() => createSession({ endpoint, rotation: { lifetimeMs: 1_000, marginMs: 1_000 } })).toThrow(/marginMs must be shorter than rotation.lifetimeMs/);
    // The default margin (10%) leaves 2.7 s of a 3 s lifetime: less than the default 5 s minimum uptime.
    expect(() => createSession({ endpoint, rotation: { lifetimeMs: 3_000 } })).toThrow(OptionsError);
    expect(() => createSession({ endpoint, rotation: { lifetimeMs: 3_000 }, reconnect: { minUptimeMs: 1_000 } })).not.toThrow();
    expect(() => createSession({ endpoint, rotation: { lifetimeMs: 3_600_000 } })).not.toThrow();
  });
});
