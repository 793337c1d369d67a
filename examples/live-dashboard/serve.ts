/**
 * Runs the live dashboard: a reference server (balancer + WebSocket endpoint) with a market
 * simulator publishing trades, and Vite's dev server for the page. Prints the link to open.
 *
 *   npx tsx examples/live-dashboard/serve.ts [--port 5173] [--rate 20]
 *
 * Lines typed on stdin drive the server, to watch the session react: `drop` (network drop:
 * the page resumes), `restart` (server restart: a new session), `close 4000` (a fatal close).
 * Ctrl-C stops everything.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createServer, type ViteDevServer } from 'vite';
import { createTestServer, startMarketSimulator, type MarketSimulator, type TestServer } from '../../src/testing/index.js';

/** Options of {@link startLiveDashboard}. */
export interface LiveDashboardOptions {
  /** Port of the page; 0 picks a free one. @default 5173 */
  readonly port?: number;
  /** Trades per second across all symbols. @default 20 */
  readonly ratePerSecond?: number;
}

/** A running dashboard: the page's URL (with the balancer in its query) and what serves it. */
export interface LiveDashboard {
  /** The link to open: `http://127.0.0.1:<port>/?balancer=…` */
  readonly url: string;
  readonly server: TestServer;
  readonly simulator: MarketSimulator;
  close(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

/** Starts the reference server, the simulator and the page's dev server. */
export async function startLiveDashboard(options: LiveDashboardOptions = {}): Promise<LiveDashboard> {
  // Production-like keepalive, but a short resume window: a dropped page comes back within it.
  const server = await createTestServer({ heartbeatMs: 5_000, resumeWindowMs: 30_000 });
  const simulator = startMarketSimulator(server, { kinds: ['trade'], ratePerSecond: options.ratePerSecond ?? 20 });
  let vite: ViteDevServer | undefined;
  try {
    vite = await createServer({
      configFile: fileURLToPath(new URL('vite.config.ts', import.meta.url)),
      root: here,
      logLevel: 'warn',
      server: { host: '127.0.0.1', port: options.port ?? 5173, strictPort: options.port !== undefined && options.port !== 0 },
    });
    await vite.listen();
  } catch (error) {
    simulator.stop();
    await Promise.all([vite?.close(), server.close()]);
    throw error;
  }
  const origin = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${options.port ?? 5173}/`;
  const devServer = vite;
  return {
    // Left unencoded so the link stays readable; URLSearchParams reads it back unchanged.
    url: `${origin}?balancer=${server.balancerUrl}`,
    server,
    simulator,
    async close() {
      simulator.stop();
      await Promise.all([devServer.close(), server.close()]);
    },
  };
}

/** Applies one stdin command; returns what to print. */
function command(server: TestServer, line: string): string {
  const [name, argument] = line.trim().split(/\s+/);
  switch (name) {
    case 'drop':
      return `dropped ${server.faults.dropConnection()} connection(s)`;
    case 'restart':
      void server.faults.restart();
      return 'restarting: sessions forgotten, connections closed with 1012';
    case 'close': {
      const code = Number(argument ?? 4000);
      return `closed ${server.faults.closeConnection('all', code, 'closed from serve.ts')} connection(s) with ${code}`;
    }
    case '':
    case undefined:
      return '';
    default:
      return 'commands: drop | restart | close <code>';
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, rate: { type: 'string' } } });
  const dashboard = await startLiveDashboard({
    ...(values.port === undefined ? {} : { port: Number(values.port) }),
    ...(values.rate === undefined ? {} : { ratePerSecond: Number(values.rate) }),
  });
  console.log(`live dashboard: ${dashboard.url}`);
  console.log('type drop, restart or close <code> to disturb the connection; Ctrl-C stops');
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const output = command(dashboard.server, line);
    if (output !== '') console.log(output);
  });
  const stop = () => {
    input.close();
    void dashboard.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
