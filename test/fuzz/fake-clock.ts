import { afterEach, beforeEach, vi } from 'vitest';

/**
 * The timers the machine-level fuzz tests fake. Microtasks stay real: the fake network delivers
 * through them, so that a timer still pending after `close()` is always the client's.
 */
const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;

/** Runs every test of the calling file on vitest's fake clock, and restores the real one after each. */
export function useFakeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: [...FAKED] });
  });
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
  });
}
