import fc from 'fast-check';
import { describe, it, vi } from 'vitest';
import { fuzzParameters, fuzzRuns, fuzzTimeout } from './config.js';
import { useFakeClock } from './fake-clock.js';
import { machineCommands, machineConfig, type MachineModel } from './machine-commands.js';
import { MachineHarness, type MachineFuzzConfig } from './machine-harness.js';

/**
 * Layer 1 of issue 5: the session machine alone, on a scripted fake network and vitest's fake
 * clock, under any sequence of faults. See test/fuzz/README.md for what is checked and how to
 * replay a failure.
 */

useFakeClock();

/** Runs one generated command sequence against a fresh session and checks that it ends cleanly. */
async function runMachineScenario(config: MachineFuzzConfig, commands: Iterable<fc.AsyncCommand<MachineModel, MachineHarness>>): Promise<void> {
  vi.clearAllTimers();
  const harness = new MachineHarness(config);
  try {
    await harness.settle();
    harness.check();
    await fc.asyncModelRun(() => ({ model: { userClosed: false }, real: harness }), commands);
    await harness.finish();
  } finally {
    harness.dispose();
  }
}

const DEFAULT_RUNS = 500;

describe('session machine under arbitrary faults (fake network, fake clock)', () => {
  it(
    'reconnects only as the close-code policy says, within backoff bounds, with one socket at a time, and ends cleanly',
    async () => {
      await fc.assert(fc.asyncProperty(machineConfig, machineCommands, runMachineScenario), fuzzParameters(DEFAULT_RUNS));
    },
    fuzzTimeout(fuzzRuns(DEFAULT_RUNS), 50),
  );
});
