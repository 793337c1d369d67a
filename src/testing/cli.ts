/**
 * Runs the reference test server as its own process (for benchmarks and manual testing):
 * `tsx src/testing/cli.ts --port 8080 --heartbeat-ms 5000`. Prints the URLs as one JSON line on
 * stdout, takes JSON-line commands on stdin, and shuts down on SIGTERM, SIGINT or end of stdin.
 * See {@link CLI_USAGE} for every flag.
 */
import { createInterface } from 'node:readline';
import { CLI_USAGE, parseCliConfig } from './cli-options.js';
import type { TestServerFaults } from './faults.js';
import { startMarketSimulator } from './market-simulator.js';
import type { MarketSimulator, MarketSimulatorOptions } from './market-simulator.js';
import { createTestServer } from './test-server.js';
import type { TestServer } from './test-server.js';

/** The fault methods a stdin command may call. */
const FAULT_NAMES = new Set<keyof TestServerFaults>([
  'dropConnection',
  'closeConnection',
  'goSilent',
  'refuseConnections',
  'rejectNextResume',
  'delayHandshake',
  'delayInitialize',
  'sendGarbage',
  'restart',
  'balancerStatus',
  'balancerMalformed',
  'balancerDelay',
  'restore',
]);

function writeLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Runs one stdin command and returns its reply. */
async function runCommand(
  server: TestServer,
  command: Record<string, unknown>,
  simulation: { current: MarketSimulator | undefined },
  shutdown: () => void,
): Promise<Record<string, unknown>> {
  switch (command['command']) {
    case 'publish': {
      const stream = command['stream'];
      if (typeof stream !== 'string') throw new Error('publish needs a "stream" string.');
      const count = typeof command['count'] === 'number' ? command['count'] : 1;
      let deliveries = 0;
      for (let index = 0; index < count; index++) deliveries += server.publish(stream, command['data'] ?? null);
      return { deliveries };
    }
    case 'stats':
      return { stats: server.stats(), sessions: server.sessions().length };
    case 'simulate':
      simulation.current?.stop();
      simulation.current = startMarketSimulator(server, command as MarketSimulatorOptions);
      return { streams: simulation.current.streams };
    case 'stopSimulation':
      simulation.current?.stop();
      return { published: simulation.current?.published ?? 0 };
    case 'fault': {
      const name = command['name'];
      if (typeof name !== 'string' || !FAULT_NAMES.has(name as keyof TestServerFaults)) throw new Error(`unknown fault "${String(name)}"`);
      const args = Array.isArray(command['args']) ? command['args'] : [];
      const method = server.faults[name as keyof TestServerFaults] as (...values: unknown[]) => unknown;
      const result: unknown = await method.apply(server.faults, args);
      return { result: result ?? null };
    }
    case 'close':
      shutdown();
      return {};
    default:
      throw new Error(`unknown command ${JSON.stringify(command['command'])}`);
  }
}

async function main(): Promise<void> {
  const config = parseCliConfig(process.argv.slice(2), process.env);
  if (config.help) {
    process.stdout.write(`${CLI_USAGE}\n`);
    return;
  }
  const server = await createTestServer(config.server);
  const simulation: { current: MarketSimulator | undefined } = {
    current: config.simulator !== undefined ? startMarketSimulator(server, config.simulator) : undefined,
  };
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    simulation.current?.stop();
    void server.close().then(() => {
      process.stdin.destroy();
      process.exitCode = 0;
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  writeLine({ balancerUrl: server.balancerUrl, endpointUrl: server.endpointUrl, port: server.port, pid: process.pid });
  if (config.stdin === 'ignore') return;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    let command: Record<string, unknown>;
    try {
      command = JSON.parse(line) as Record<string, unknown>;
    } catch {
      writeLine({ ok: false, error: 'not a JSON line' });
      return;
    }
    runCommand(server, command, simulation, shutdown).then(
      (reply) => writeLine({ command: command['command'], ok: true, ...reply }),
      (error: unknown) => writeLine({ command: command['command'], ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  lines.on('close', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
