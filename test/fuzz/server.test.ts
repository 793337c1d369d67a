import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzParameters, fuzzRuns, fuzzTimeout } from './config.js';
import { serverCommands, serverConfig, type ServerModel } from './server-commands.js';
import { ServerHarness, type ServerFuzzConfig } from './server-harness.js';

/**
 * Layer 2 of issue 5: a real session against the real reference server (127.0.0.1, port 0) under
 * any sequence of the server's faults. Fewer runs than the machine layer: each takes real time.
 * See test/fuzz/README.md.
 */

async function runServerScenario(config: ServerFuzzConfig, commands: Iterable<fc.AsyncCommand<ServerModel, ServerHarness>>): Promise<void> {
  const harness = await ServerHarness.start(config);
  try {
    await fc.asyncModelRun(() => ({ model: { over: false }, real: harness }), commands);
    await harness.finish();
    harness.assertClean();
  } finally {
    await harness.dispose();
  }
}

const DEFAULT_RUNS = 25;

describe('session against the reference server under arbitrary faults', () => {
  it(
    'keeps one connection, the right subscriptions, every owed message once and in order, settles every request, and leaves nothing after close()',
    async () => {
      await fc.assert(fc.asyncProperty(serverConfig, serverCommands, runServerScenario), fuzzParameters(DEFAULT_RUNS, 'server'));
    },
    fuzzTimeout(fuzzRuns(DEFAULT_RUNS, 'server'), 8_000),
  );
});
