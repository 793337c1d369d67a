/**
 * The memory benchmarks, run in a process of their own with `--expose-gc` so that heap figures are
 * taken after full collections and nothing else lives in the heap:
 *
 *   node --expose-gc --import tsx bench/memory-child.ts idle <baseline|wirestate|rxjs> <streams>
 *   node --expose-gc --import tsx bench/memory-child.ts growth wirestate <messages>
 *
 * Prints one JSON line with the result. Starts its own bench server process.
 */
import { openClient, type ClientKind } from './clients.js';
import { benchStreamNames } from './payloads.js';
import { BenchServer } from './server-control.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

/** Heap in use after full collections (several: finalizers and weak references settle over a few). */
async function settledHeap(): Promise<number> {
  for (let round = 0; round < 4; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
  }
  return process.memoryUsage().heapUsed;
}

/** Heap per idle stream with one observer: subscribe `count` streams, no traffic. */
async function idle(server: BenchServer, kind: ClientKind, count: number): Promise<Record<string, number>> {
  // The names are the application's own data, made before the first measurement.
  const names = benchStreamNames(count);
  const warmUp = await openClient(kind, { endpointUrl: server.endpointUrl, codec: 'msgpack', streams: benchStreamNames(1_000, 'warm'), onData: () => {} });
  await server.command('waitSubscribed', { count: 1_000 });
  await warmUp.close();
  await server.command('reset');
  const before = await settledHeap();
  const client = await openClient(kind, { endpointUrl: server.endpointUrl, codec: 'msgpack', streams: names, onData: () => {} });
  await server.command('waitSubscribed', { count, timeoutMs: 120_000 });
  const after = await settledHeap();
  const perStream = (after - before) / count;
  await client.close();
  return { streams: count, heapBefore: before, heapAfter: after, bytesPerStream: perStream };
}

/** Heap growth over `total` messages on 100 streams, after a warm-up burst. */
async function growth(server: BenchServer, total: number): Promise<Record<string, number | number[]>> {
  const streams = 100;
  const burst = 100_000;
  let received = 0;
  let target = 0;
  let reached: (() => void) | undefined;
  const client = await openClient('wirestate', {
    endpointUrl: server.endpointUrl,
    codec: 'msgpack',
    streams: benchStreamNames(streams),
    onData: () => {
      if (++received === target) reached?.();
    },
  });
  await server.command('waitSubscribed', { count: streams });
  const publish = async (count: number) => {
    target += count;
    const done = new Promise<void>((resolve) => (reached = resolve));
    await server.command('burst', { streams, count, size: 'small' });
    await done;
  };
  await publish(burst);
  const start = await settledHeap();
  const samples: number[] = [];
  for (let sent = 0; sent < total; sent += burst) {
    await publish(Math.min(burst, total - sent));
    samples.push(await settledHeap());
  }
  await client.close();
  const end = samples[samples.length - 1] ?? start;
  return { messages: total, heapStart: start, heapEnd: end, growth: end - start, samples };
}

async function main(): Promise<void> {
  const [mode, kind, countText] = process.argv.slice(2);
  const server = await BenchServer.start();
  try {
    const result = mode === 'idle' ? await idle(server, kind as ClientKind, Number(countText)) : await growth(server, Number(countText));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
