/**
 * The demo's embedded server: the reference test server with the market-data simulator publishing
 * to the demo's streams.
 */
import { createTestServer, startMarketSimulator, type MarketSimulator, type TestServer } from '../src/testing/index.js';

/** A running local server and its simulator. */
export interface LocalServer {
  readonly server: TestServer;
  readonly simulator: MarketSimulator;
  /** Stops the simulator and closes the server (no socket or timer left). */
  close(): Promise<void>;
}

/**
 * Starts the server on a free loopback port and the simulator on `streams`.
 *
 * The simulator publishes whether or not anyone is subscribed, as a real feed does: while no
 * session exists (after a restart, before the re-subscribe) trade and update ids keep rising, so
 * the gap a fresh session really has shows up in the per-stream sequence check.
 */
export async function startLocalServer(options: { readonly streams: readonly string[]; readonly ratePerSecond: number }): Promise<LocalServer> {
  const server = await createTestServer({ location: 'demo-1' });
  const simulator = startMarketSimulator(server, { streams: options.streams, ratePerSecond: options.ratePerSecond, onlySubscribed: false });
  return {
    server,
    simulator,
    async close() {
      simulator.stop();
      await server.close();
    },
  };
}
