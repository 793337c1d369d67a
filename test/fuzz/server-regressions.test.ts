import { describe, expect, it } from 'vitest';
import { ServerHarness, until } from './server-harness.js';

/**
 * Counterexamples the real-server fuzz property found, kept as plain tests against the reference
 * server. Each was a bug, fixed in its own commit.
 */
describe('real-server regressions', () => {
  // Counterexample: {codecs: [msgpack], auth: none}, publish 1 on btcusdt@trade, half-open, publish 1 on btcusdt@trade, user close().
  // close() sent a close frame that the half-open server never answers, and ws kept the socket open for 30 s.
  it('close() on a half-open connection closes the client socket once the close grace has passed', async () => {
    const harness = await ServerHarness.start({ codecs: ['msgpack'], auth: 'none', initialStreams: [] });
    try {
      await harness.quiesce();
      harness.server.faults.goSilent();
      await harness.session.close();
      expect(await until(() => harness.unclosedSocketCount === 0, 1_800)).toBe(true);
      harness.assertClean();
    } finally {
      await harness.dispose();
    }
  });
});
