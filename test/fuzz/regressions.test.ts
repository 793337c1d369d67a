import { describe, expect, it, vi } from 'vitest';
import { CLOSE_HANDSHAKE_GRACE_MS } from '../../src/machine/actors/socket-actor.js';
import { DEFAULT_BACKOFF } from '../../src/machine/backoff.js';
import { useFakeClock } from './fake-clock.js';
import { MachineHarness, type MachineFuzzConfig } from './machine-harness.js';

/**
 * Counterexamples the fuzz suite found, kept as plain tests: each was a bug, fixed in its own
 * commit. Every step runs the same invariant checks as the property (`check()`).
 */

useFakeClock();

const BASE: MachineFuzzConfig = {
  balancer: false,
  auth: 'none',
  authRequired: false,
  closeCodes: {},
  timeoutMs: 500,
  requestTimeoutMs: 500,
  heartbeatMs: 200,
  randoms: [0],
  backoff: { ...DEFAULT_BACKOFF, initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, maxAttempts: 1 },
};

async function started(config: Partial<MachineFuzzConfig> = {}): Promise<MachineHarness> {
  const harness = new MachineHarness({ ...BASE, ...config });
  await harness.settle();
  harness.check();
  expect(harness.state).toBe('authorized');
  return harness;
}

describe('machine regressions', () => {
  // Counterexample: maxAttempts 1; refuse the next 1 connection(s), drop (no close frame).
  // A refused resume went back to the balancer without looking at maxAttempts: a second reconnect.
  it('a resume refused with every attempt spent ends the session instead of reconnecting again', async () => {
    const harness = await started();
    try {
      harness.network.refusals = 1;
      harness.serverClose(1006);
      await harness.settle();
      harness.check();
      expect(harness.machineClosed).toBe(true);
      expect(harness.network.sockets).toHaveLength(2);
      await harness.advance(10_000);
      harness.check();
      expect(harness.network.sockets).toHaveLength(2);
      await harness.finish();
    } finally {
      harness.dispose();
    }
  });

  // Counterexample (real server): publish 1 on btcusdt@trade, half-open, publish 1 on btcusdt@trade, user close().
  // close() sent a close frame that a half-open server never answers, and ws kept the socket for 30 s.
  it('close() on a half-open connection drops the socket once the close grace has passed', async () => {
    const harness = await started();
    try {
      harness.openSocket()?.goSilent();
      harness.userClose();
      await harness.settle();
      harness.check();
      expect(harness.network.sockets[0]?.readyState).toBe(2);
      await harness.advance(CLOSE_HANDSHAKE_GRACE_MS);
      harness.check();
      expect(harness.network.sockets[0]?.readyState).toBe(3);
      expect(vi.getTimerCount()).toBe(0);
      await harness.finish();
    } finally {
      harness.dispose();
    }
  });

  // Counterexample: token provider, server requires authorization; leave the next INITIALIZE unanswered,
  // leave the next AUTHORIZE unanswered, server closes with 1000, leave the next connection hanging, wait 1503 ms.
  // Resuming a fresh session whose AUTHORIZE never got an answer skipped AUTHORIZE (the server still
  // required it), and reported a resume, so the streams of the session before were never re-subscribed.
  it('resuming a fresh session that never became authorized authorizes it, re-subscribes and signals a gap', async () => {
    const harness = await started({ auth: 'license', authRequired: true, backoff: { ...DEFAULT_BACKOFF, initialDelayMs: 0, maxDelayMs: 0 } });
    const gaps: string[][] = [];
    harness.session.gaps$.subscribe((names) => gaps.push([...names]));
    try {
      harness.subscribe('a@trade');
      await harness.settle();
      harness.check();
      harness.network.rejectedResumes = 1;
      harness.network.unansweredAuthorizes = 1;
      harness.serverClose(1006);
      await harness.advance(1);
      harness.check();
      expect(harness.state).toBe('authorizing');
      await harness.advance(BASE.timeoutMs + 2);
      harness.check();
      expect(harness.state).toBe('authorized');
      expect(harness.network.sockets.at(-1)?.resumeId).toBeDefined();
      expect(harness.network.currentSession()?.authorized).toBe(true);
      expect([...(harness.network.currentSession()?.subscriptions ?? [])]).toEqual(['a@trade']);
      expect(gaps).toEqual([['a@trade']]);
      await harness.finish();
    } finally {
      harness.dispose();
    }
  });

  // Counterexample: closeCodes {1006: 'fatal'}; refuse the next 1 connection(s), server closes with 1000.
  // A refused resume went back to the balancer on a path of its own, past the close-code policy.
  it('a refused resume follows the close-code policy: a 1006 the user made fatal ends the session', async () => {
    const harness = await started({ closeCodes: { 1006: 'fatal' }, backoff: { ...DEFAULT_BACKOFF, initialDelayMs: 0, maxDelayMs: 0 } });
    try {
      harness.network.refusals = 1;
      harness.serverClose(1000);
      await harness.settle();
      harness.check();
      expect(harness.machineClosed).toBe(true);
      expect(harness.network.sockets).toHaveLength(2);
      await harness.finish();
    } finally {
      harness.dispose();
    }
  });

  // Found while widening the close-code overrides: a 4001 during a reconnect (attempt > 0) was retried
  // with a fresh token after a backoff without spending the one retry, so every later 4001 retried too.
  it('the fresh-token retry after 4001 is spent even when it comes after a backoff', async () => {
    const harness = await started({ auth: 'token-provider', backoff: { ...DEFAULT_BACKOFF, initialDelayMs: 0, maxDelayMs: 0 } });
    try {
      harness.network.unansweredInitializes = 5;
      harness.serverClose(1006);
      await harness.advance(2);
      harness.check();
      harness.serverClose(4001);
      await harness.advance(2);
      harness.check();
      expect(harness.network.sockets).toHaveLength(3);
      harness.serverClose(4001);
      await harness.advance(2);
      harness.check();
      expect(harness.machineClosed).toBe(true);
      expect(harness.network.sockets).toHaveLength(3);
      await harness.finish();
    } finally {
      harness.dispose();
    }
  });
});
