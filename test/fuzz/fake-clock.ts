import { afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { balancerCode } from '../../src/machine/actors/provider-actors.js';
import { handoverCode } from '../../src/machine/actors/handover-code.js';
import { logLinesCode } from '../../src/session/attach-logger.js';

/**
 * The timers the machine-level fuzz tests fake. Microtasks stay real: the fake network delivers
 * through them, so that a timer still pending after `close()` is always the client's.
 */
const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;

/** Runs every test of the calling file on vitest's fake clock, and restores the real one after each. */
export function useFakeClock(): void {
  // The models take code loading as instant: what a session loads on demand (docs/bundle-size.md)
  // is loaded on the real clock first. Loading it on the fake one, a fake balancer timeout could
  // pass while the module is still being read.
  beforeAll(async () => {
    await Promise.all([balancerCode.load(), handoverCode.load(), logLinesCode.load()]);
  });
  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED] });
  });
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });
}
