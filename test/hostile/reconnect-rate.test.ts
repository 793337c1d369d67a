import { describe, expect, it } from 'vitest';
import { backoffCeiling, DEFAULT_BACKOFF } from '../../src/node.js';
import { eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';
import { answerInitialize, atCeiling, gapsBetween, startHostileServer } from './hostile-server.js';

/**
 * Servers that accept, answer the handshake and drop again must meet a growing backoff: before the
 * fix, `attempt` went back to 0 on every INITIALIZE and the client reconnected at once, for ever
 * (hundreds of handshakes a second against close 1001).
 */
const reconnect = { initialDelayMs: 100, maxDelayMs: 400 };
const WATCH_MS = 1_300;

/** The gaps the backoff allows after a run of connections that all died young: one immediate retry at most. */
function checkAgainstBackoff(handshakeGaps: readonly number[], firstRetryImmediate: boolean): void {
  handshakeGaps.forEach((gap, index) => {
    if (index === 0 && firstRetryImmediate) return;
    // Gap i waits out the backoff of attempt i (an immediate first retry used attempt 0). A 2 ms
    // allowance for the clock's granularity: timers never fire early.
    const floor = backoffCeiling(index, { ...DEFAULT_BACKOFF, ...reconnect }) - 2;
    expect(gap, `gap before handshake ${index + 2} (${handshakeGaps.join(', ')})`).toBeGreaterThanOrEqual(floor);
  });
}

describe('a server that accepts and drops again at once', () => {
  it.each([
    [1000, true],
    [1001, true],
    [1011, false],
  ])('closing with %i right after INITIALIZE is reconnected no faster than the backoff', async (code, firstRetryImmediate) => {
    const server = await startHostileServer({ onConnection: (socket) => answerInitialize(socket, () => socket.close(code, 'bye')) });
    const session = openSession({ endpoint: server.url, codecs: ['json'], reconnect, random: atCeiling, lazy: false });
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    await session.close();
    // 100 + 200 + 400 + 400 ms of backoff fit in the window after the first (immediate) retry.
    expect(server.handshakes.length).toBeGreaterThanOrEqual(3);
    expect(server.handshakes.length).toBeLessThanOrEqual(7);
    checkAgainstBackoff(gapsBetween(server.handshakes), firstRetryImmediate);
  });

  it('dropping the TCP connection (no close frame) right after INITIALIZE is reconnected no faster than the backoff', async () => {
    const server = await startHostileServer({ onConnection: (socket) => answerInitialize(socket, () => socket.terminate()) });
    const session = openSession({ endpoint: server.url, codecs: ['json'], reconnect, random: atCeiling, lazy: false });
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    await session.close();
    expect(server.handshakes.length).toBeLessThanOrEqual(7);
    checkAgainstBackoff(gapsBetween(server.handshakes), false);
  });

  it('reaches maxAttempts when every connection dies young, and says so', async () => {
    const server = await startHostileServer({ onConnection: (socket) => answerInitialize(socket, () => socket.close(1001, 'going away')) });
    const session = openSession({ endpoint: server.url, codecs: ['json'], reconnect: { initialDelayMs: 5, maxDelayMs: 20, maxAttempts: 3 }, lazy: false });
    const reason = await session.closed;
    expect(server.handshakes).toHaveLength(4);
    expect(reason.error?.message).toMatch(/gave up after 3 reconnect attempts/);
  });

  it('a connection that stays up for minUptimeMs starts the backoff over', async () => {
    let connections = 0;
    const server = await startHostileServer({
      onConnection: (socket) => answerInitialize(socket, () => (++connections <= 3 ? socket.close(1001) : undefined)),
    });
    const session = openSession({ endpoint: server.url, codecs: ['json'], reconnect: { initialDelayMs: 5, maxDelayMs: 20, minUptimeMs: 200 }, lazy: false });
    const authorized = () => session.states.filter((state) => state.value === 'authorized');
    // Four readies, then the fourth connection's snapshot once it proved healthy.
    await eventually(() => authorized().length >= 5 && authorized().at(-1)?.attempt === 0, 'healthy 4th connection', 5_000);
    const ready = authorized();
    // Authorized three times after drops without being healthy: the count carried over each time.
    expect(ready.map((state) => state.attempt).slice(0, 4)).toEqual([0, 1, 2, 3]);
  });

  it('the reference server with a 5 ms maximum lifetime is not hammered', async () => {
    const server = await startServer({ maxLifetimeMs: 5 });
    const session = openSession({ endpoint: server.endpointUrl, reconnect, random: atCeiling, lazy: false });
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    await session.close();
    expect(server.handshakes().length).toBeLessThanOrEqual(7);
  });

  it('a server announcing a 1 ms heartbeat is held to the floor and not hammered', async () => {
    // Silent after INITIALIZE: it answers no PING, so the client finds the connection dead.
    const server = await startHostileServer({ onConnection: (socket) => answerInitialize(socket, undefined, { heartbeatMs: 1 }) });
    const session = openSession({ endpoint: server.url, codecs: ['json'], reconnect, random: atCeiling, lazy: false });
    await waitForState(session, 'authorized');
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));
    await session.close();
    // Two heartbeats at the 100 ms floor before each drop, plus the backoff.
    expect(server.handshakes.length).toBeLessThanOrEqual(5);
    checkAgainstBackoff(gapsBetween(server.handshakes), false);
  });
});
