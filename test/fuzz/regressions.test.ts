import { describe, expect, it } from 'vitest';
import { validateBackoffOptions } from '../../src/machine/backoff.js';
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
  backoff: validateBackoffOptions({ initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, maxAttempts: 1 }),
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
});
