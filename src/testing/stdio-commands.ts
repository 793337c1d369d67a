/**
 * The JSON-line command loop of a test server running as its own process: one command per stdin
 * line, one reply line on stdout. Used by the `wirestate-test-server` bin (cli.ts) and by the
 * benchmark's server process, which adds its own commands. Internal.
 */
import { createInterface } from 'node:readline';
import type { TestServerFaults } from './faults.js';
import { startMarketSimulator } from './market-simulator.js';
import type { MarketSimulator, MarketSimulatorOptions } from './market-simulator.js';
import type { TestServer } from './test-server.js';

/** One command's handler: gets the parsed line, returns the fields of the reply. */
export type StdioCommand = (command: Record<string, unknown>) => Promise<object> | object;

/** The fault methods a `fault` command may call. */
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

/** What {@link serveOverStdio} returns: how to stop, and whether the process should watch stdin. */
export interface StdioServer {
  /** Stops the simulator, closes the server and stops reading stdin. Later calls do nothing. */
  readonly shutdown: () => void;
  /** Resolves once the server is closed. */
  readonly stopped: Promise<void>;
}

/**
 * Prints the server's URLs as one JSON line, then (unless `watchStdin` is false) answers JSON-line
 * commands on stdin: `publish`, `stats`, `simulate`, `stopSimulation`, `fault`, `close`, and any in
 * `extra`. A reply repeats the command's `command` and `id` (when given) beside `ok` and the
 * handler's fields, or `error`. SIGTERM, SIGINT and the end of stdin shut the server down.
 */
export function serveOverStdio(
  server: TestServer,
  options: { readonly simulator?: MarketSimulatorOptions; readonly watchStdin?: boolean; readonly extra?: Readonly<Record<string, StdioCommand>> } = {},
): StdioServer {
  let simulator: MarketSimulator | undefined = options.simulator === undefined ? undefined : startMarketSimulator(server, options.simulator);
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    simulator?.stop();
    void server.close().then(() => {
      process.stdin.destroy();
      resolveStopped();
    });
  };
  const builtIn: Record<string, StdioCommand> = {
    publish(command) {
      const stream = command['stream'];
      if (typeof stream !== 'string') throw new Error('publish needs a "stream" string.');
      const count = typeof command['count'] === 'number' ? command['count'] : 1;
      let deliveries = 0;
      for (let index = 0; index < count; index++) deliveries += server.publish(stream, command['data'] ?? null);
      return { deliveries };
    },
    stats: () => ({ stats: server.stats(), sessions: server.sessions().length }),
    simulate(command) {
      simulator?.stop();
      simulator = startMarketSimulator(server, command as unknown as MarketSimulatorOptions);
      return { streams: simulator.streams };
    },
    stopSimulation() {
      simulator?.stop();
      const published = simulator?.published ?? 0;
      simulator = undefined;
      return { published };
    },
    async fault(command) {
      const name = command['name'];
      if (typeof name !== 'string' || !FAULT_NAMES.has(name as keyof TestServerFaults)) throw new Error(`unknown fault "${String(name)}"`);
      const args = Array.isArray(command['args']) ? command['args'] : [];
      const method = server.faults[name as keyof TestServerFaults] as (...values: unknown[]) => unknown;
      return { result: (await method.apply(server.faults, args)) ?? null };
    },
    close() {
      shutdown();
      return {};
    },
  };
  const commands = { ...builtIn, ...options.extra };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  writeLine({ balancerUrl: server.balancerUrl, endpointUrl: server.endpointUrl, port: server.port, pid: process.pid });
  if (options.watchStdin === false) return { shutdown, stopped };
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
    const echo = { command: command['command'], ...(command['id'] === undefined ? {} : { id: command['id'] }) };
    const handler = Object.hasOwn(commands, command['command'] as string) ? commands[command['command'] as string] : undefined;
    Promise.resolve()
      .then(() => {
        if (handler === undefined) throw new Error(`unknown command ${JSON.stringify(command['command'])}`);
        return handler(command);
      })
      .then(
        (reply) => writeLine({ ...echo, ok: true, ...reply }),
        (error: unknown) => writeLine({ ...echo, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  lines.on('close', shutdown);
  return { shutdown, stopped };
}
