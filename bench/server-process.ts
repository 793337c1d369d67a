/**
 * The benchmark's server: the reference test server in a process of its own (so it does not share
 * the client's event loop), driven by JSON-line commands on stdin. The command loop is the
 * `wirestate-test-server` bin's (src/testing/stdio-commands.ts); this file only adds what a
 * benchmark needs: bursts over many streams with realistic payloads, waiting for a subscription
 * count, resetting between runs, counting packets.
 *
 * Run: `node --import tsx bench/server-process.ts`. Ends when stdin ends.
 */
import { createTestServer, startMarketSimulator, type MarketSimulator } from '../src/testing/index.js';
import { serveOverStdio, type StdioCommand } from '../src/testing/stdio-commands.js';
import { monotonicMs } from './monotonic-clock.js';
import { benchStreamNames, payloadPool, POOL_SIZE, type PayloadSize } from './payloads.js';

const pools: Record<PayloadSize, unknown[]> = { small: payloadPool('small'), large: payloadPool('large') };

async function main(): Promise<void> {
  const server = await createTestServer({
    // A paused client lets a whole burst pile up in the server's output: no slow-consumer limit.
    maxBufferedBytes: 0,
    heartbeatMs: 60_000,
    idleTimeoutMs: 0,
    maxLifetimeMs: 0,
    replayBufferSize: 200_000,
    resumeWindowMs: 60_000,
    closeGraceMs: 50,
    maxRecordedPackets: 20_000,
    methods: { NOOP: () => null },
  });
  let simulator: MarketSimulator | undefined;

  const commands: Record<string, StdioCommand> = {
    /** Publishes `count` messages round robin over `streams` names (`prefix.0` …), payloads of `size`. */
    burst(command) {
      const names = benchStreamNames(command['streams'] as number, (command['prefix'] as string | undefined) ?? 'bench');
      const pool = pools[(command['size'] as PayloadSize | undefined) ?? 'small'];
      const count = command['count'] as number;
      const started = performance.now();
      let deliveries = 0;
      for (let index = 0; index < count; index++) {
        deliveries += server.publish(names[index % names.length] as string, pool[index % POOL_SIZE]);
      }
      return { deliveries, publishMs: performance.now() - started };
    },
    /** Resolves once `sessions` connected sessions (default 1) hold at least `count` subscriptions each. */
    async waitSubscribed(command) {
      const count = command['count'] as number;
      const wanted = (command['sessions'] as number | undefined) ?? 1;
      const deadline = Date.now() + ((command['timeoutMs'] as number | undefined) ?? 30_000);
      for (;;) {
        const ready = server.sessions().filter((info) => info.connected && info.subscriptions.length >= count);
        const session = ready[0];
        if (session !== undefined && ready.length >= wanted) return { sessionId: session.sessionId, at: performance.timeOrigin + performance.now() };
        if (Date.now() > deadline) throw new Error(`fewer than ${wanted} sessions reached ${count} subscriptions`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    /** Forgets every session and closes every connection (1012), and forgets recorded packets. */
    async reset() {
      simulator?.stop();
      simulator = undefined;
      server.faults.restore();
      await server.faults.restart();
      server.clearRecords();
      return {};
    },
    /** Publishes market data to `streams` names at `ratePerSecond`, only to subscribed ones. */
    flow(command) {
      simulator?.stop();
      simulator = startMarketSimulator(server, {
        streams: benchStreamNames(command['streams'] as number, (command['prefix'] as string | undefined) ?? 'bench'),
        ratePerSecond: command['ratePerSecond'] as number,
        tickMs: 5,
      });
      return {};
    },
    /**
     * Publishes small trades at `ratePerSecond` for `durationMs`, round robin over `streams` stream
     * numbers, each message once under every prefix of `prefixes` (`<prefix>.<number>`) in the same
     * loop iteration; resolves when done. Each copy carries the message's number `n` and is stamped
     * (`t`, {@link monotonicMs}) just before it is published, so the stamp-to-observer time covers
     * encoding, the socket and the whole client. The prefixes take turns at going first (message
     * `n` starts at prefix `n mod prefixes`), so no client is systematically written to later.
     */
    async pairedStampedFlow(command) {
      const streams = command['streams'] as number;
      const prefixes = command['prefixes'] as string[];
      const names = prefixes.map((prefix) => benchStreamNames(streams, prefix));
      const orders = prefixes.map((_, first) => prefixes.map((__, offset) => (first + offset) % prefixes.length));
      const ratePerSecond = command['ratePerSecond'] as number;
      const total = Math.floor(((command['durationMs'] as number) * ratePerSecond) / 1_000);
      const pool = pools.small;
      const started = performance.now();
      let published = 0;
      for (;;) {
        const due = Math.min(Math.floor(((performance.now() - started) * ratePerSecond) / 1_000), total);
        for (; published < due; published++) {
          for (const index of orders[published % orders.length] as number[]) {
            const payload = { ...(pool[published % POOL_SIZE] as object), n: published, t: monotonicMs() };
            server.publish((names[index] as string[])[published % streams] as string, payload);
          }
        }
        if (published >= total) return { published };
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    },
    stopFlow() {
      simulator?.stop();
      simulator = undefined;
      return {};
    },
    /** Cuts every connection without a close frame; `rejectResume` makes the resume fail. */
    drop(command) {
      if (command['rejectResume'] === true) server.faults.rejectNextResume();
      server.clearRecords();
      const at = performance.timeOrigin + performance.now();
      server.faults.dropConnection();
      return { at };
    },
    /** How many packets of `method` were received since the last reset or drop. */
    countPackets(command) {
      return { count: server.packets((packet) => packet.method === command['method']).length };
    },
    stats() {
      return { stats: server.stats() };
    },
  };

  const { stopped } = serveOverStdio(server, { extra: commands });
  void stopped.then(() => simulator?.stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
