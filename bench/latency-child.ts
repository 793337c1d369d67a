/**
 * One client of the request latency bench, in a process of its own (see bench/latency.ts for why):
 *
 *   node --import tsx bench/latency-child.ts '<LatencyChildConfig as JSON>'
 *
 * Prints `{"ready":true}`, then answers each line on stdin with one line:
 * - `open`: connects a client (a fresh connection) → `{"open":true}`;
 * - `turn <count>`: makes `count` `ECHO` round trips one after another → `{"times":[…µs]}`;
 * - `close`: closes the client → `{"closed":true}`.
 * Ends (closing its client) when stdin ends.
 */
import { createInterface } from 'node:readline';
import { writeLine } from './child-process.js';
import { openClient, type BenchClient, type BenchCodec, type ClientKind } from './clients.js';

/** What the parent tells a child. */
export interface LatencyChildConfig {
  readonly kind: ClientKind;
  readonly codec: BenchCodec;
  readonly endpointUrl: string;
}

/** A small order, as a trading bot sends one. */
const PARAMS = { symbol: 'BTCUSDT', side: 'buy', quantity: '0.01000000', price: '43000.12' };

/** `count` round trips one after another, each timed from the call to its answer, in microseconds. */
async function turn(client: BenchClient, count: number): Promise<number[]> {
  const times = new Array<number>(count);
  for (let made = 0; made < count; made++) {
    const started = performance.now();
    await client.request('ECHO', PARAMS);
    times[made] = (performance.now() - started) * 1_000;
  }
  return times;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as LatencyChildConfig;
  let client: BenchClient | undefined;
  writeLine({ ready: true });
  try {
    for await (const line of createInterface({ input: process.stdin })) {
      const [command, argument] = line.split(' ');
      if (command === 'open') {
        await client?.close();
        client = await openClient(config.kind, { endpointUrl: config.endpointUrl, codec: config.codec, streams: [], onData: () => {} });
        writeLine({ open: true });
      } else if (command === 'turn' && client !== undefined) {
        // Two decimals: the answer stays short, and nothing finer than 10 ns is read.
        writeLine({ times: (await turn(client, Number(argument))).map((time) => Math.round(time * 100) / 100) });
      } else if (command === 'close') {
        await client?.close();
        client = undefined;
        writeLine({ closed: true });
      } else {
        throw new Error(`unknown command ${JSON.stringify(line)}`);
      }
    }
  } finally {
    await client?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`latency-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
