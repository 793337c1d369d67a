/**
 * One client of the end-to-end latency bench, in a process of its own so that its collections and
 * its scheduling do not stall the other client:
 *
 *   node --import tsx bench/tail-child.ts '<TailChildConfig as JSON>'
 *
 * Subscribes to the config's streams, prints `{"ready":true}` once connected, and records for every
 * stamped message (`{n, t}`, see the server's `pairedStampedFlow`) the time from its stamp to the
 * observer, by message number. On the line `report` on stdin it waits (bounded) for messages still
 * in flight, prints `{"received": …, "delays": <base64 of a Float64Array, µs>}` and closes.
 */
import { createInterface } from 'node:readline';
import { writeLine } from './child-process.js';
import { openClient, type BenchCodec, type ClientKind } from './clients.js';
import { monotonicMs } from './monotonic-clock.js';
import { benchStreamNames } from './payloads.js';

/** What the parent tells a child. */
export interface TailChildConfig {
  readonly kind: ClientKind;
  readonly codec: BenchCodec;
  readonly endpointUrl: string;
  /** Stream names are `<prefix>.0` … `<prefix>.<streams - 1>`. */
  readonly prefix: string;
  readonly streams: number;
  /** Stamped messages the server will publish, numbered from 0. */
  readonly messages: number;
  /**
   * For checking that the bench can see a slower client: busy-wait this long in the observer
   * after every `every`-th message. Never set in a real measurement.
   */
  readonly injectedStall?: { readonly ms: number; readonly every: number };
}

/** How long the child waits for messages still in flight after the server has published the last. */
const IN_FLIGHT_WAIT_MS = 2_000;

function busyWait(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as TailChildConfig;
  // Preallocated and indexed by message number, so recording allocates nothing on the hot path.
  const delays = new Float64Array(config.messages).fill(Number.NaN);
  const stall = config.injectedStall;
  let received = 0;
  const onData = (data: unknown) => {
    const { n, t } = data as { n: number; t: number };
    delays[n] = (monotonicMs() - t) * 1_000;
    received++;
    if (stall !== undefined && n % stall.every === 0) busyWait(stall.ms);
  };
  const client = await openClient(config.kind, {
    endpointUrl: config.endpointUrl,
    codec: config.codec,
    streams: benchStreamNames(config.streams, config.prefix),
    onData,
  });
  writeLine({ ready: true });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line === 'report') break;
  const deadline = performance.now() + IN_FLIGHT_WAIT_MS;
  while (received < config.messages && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  writeLine({ received, delays: Buffer.from(delays.buffer).toString('base64') });
  lines.close();
  await client.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`tail-child: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
