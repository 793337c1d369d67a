/**
 * What the devtools cost on the message path: stream messages delivered per second by one session
 * with no devtools, with `serveDevtools` and nobody watching, with a page watching (a WebSocket
 * viewer reading the feed), and with `recordSession` writing to a file. Each run pauses the
 * session's socket, has the server (a process of its own) publish a burst, resumes, and times the
 * delivery of the burst; the variants alternate run by run and are reported as ratios of paired
 * runs against the run without devtools, measured in the same process. Rates are given by wall
 * time and by the client process's CPU time (user + system), which other processes sharing the
 * cores disturb less; the feed's own work (sampling, serializing, writing) is in that CPU time.
 *
 *   npx tsx bench/devtools.ts [--runs 5] [--count 200000] [--streams 100]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { filter, firstValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { recordSession, serveDevtools } from '../src/devtools/node.js';
import { createSession, type WebSocketConstructor } from '../src/node.js';
import { msgpack } from '../src/msgpack.js';
import { TrackedWebSocket } from './clients.js';
import { benchStreamNames } from './payloads.js';
import { BenchServer } from './server-control.js';
import { formatInteger, formatRatio, median, within } from './stats.js';

const VARIANTS = ['none', 'served, nobody watching', 'served, one page watching', 'recording'] as const;
type Variant = (typeof VARIANTS)[number];

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, count: { type: 'string', default: '200000' }, streams: { type: 'string', default: '100' } } });
const runs = Number(values.runs);
const count = Number(values.count);
const streams = Number(values.streams);
// A full collection before each measurement, so that one run's garbage is not collected on the next one's clock.
setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A sample every 100 ms (the default is 1 s): the feed's own work is made to show if it costs anything. */
const SAMPLE_INTERVAL_MS = 100;

async function measure(server: BenchServer, variant: Variant, scratch: string): Promise<{ rate: number; cpuRate: number }> {
  await server.command('reset');
  let delivered = 0;
  let finish!: (at: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const session = createSession({ endpoint: server.endpointUrl, codecs: [msgpack()], WebSocket: TrackedWebSocket as unknown as WebSocketConstructor });
  const subscriptions = benchStreamNames(streams).map((name) =>
    session.stream(name).subscribe(() => {
      if (++delivered === count) finish(performance.now());
    }),
  );
  const cleanups: (() => Promise<void>)[] = [];
  try {
    if (variant !== 'none' && variant !== 'recording') {
      const devtools = await serveDevtools(session, { sampleIntervalMs: SAMPLE_INTERVAL_MS });
      cleanups.push(() => devtools.close());
      if (variant === 'served, one page watching') {
        const viewer = new WebSocket(new URL('feed', devtools.url.replace('http', 'ws')));
        let records = 0;
        viewer.on('message', () => records++);
        await new Promise((resolve, reject) => viewer.once('open', resolve).once('error', reject));
        cleanups.unshift(async () => {
          if (records === 0) throw new Error('the viewer received nothing');
          viewer.close(1000);
        });
      }
    }
    if (variant === 'recording') {
      const recorder = recordSession(session, join(scratch, `bench-${Date.now()}.jsonl`), { sampleIntervalMs: SAMPLE_INTERVAL_MS });
      cleanups.push(() => recorder.close());
    }
    session.start();
    await firstValueFrom(session.state$.pipe(filter((snapshot) => snapshot.value === 'authorized')));
    await server.command('waitSubscribed', { count: streams });
    const socket = TrackedWebSocket.latest as TrackedWebSocket;
    socket.pause();
    await server.command('burst', { streams, count, size: 'small' });
    collectGarbage();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    socket.resume();
    const ended = await within(finished, 120_000, `devtools bench ${variant}`);
    const cpu = process.cpuUsage(cpuBefore);
    return { rate: (count * 1_000) / (ended - started), cpuRate: (count * 1e6) / (cpu.user + cpu.system) };
  } finally {
    for (const cleanup of cleanups) await cleanup();
    for (const subscription of subscriptions) subscription.unsubscribe();
    await session.close();
  }
}

const server = await BenchServer.start();
const scratch = await mkdtemp(join(tmpdir(), 'wirestate-devtools-bench-'));
const rates = new Map<Variant, number[]>(VARIANTS.map((variant) => [variant, []]));
const cpuRates = new Map<Variant, number[]>(VARIANTS.map((variant) => [variant, []]));
try {
  for (let run = 0; run <= runs; run++) {
    // The order turns run by run, so that no variant always runs right after the same one.
    const order = VARIANTS.map((_, index) => VARIANTS[(index + run) % VARIANTS.length] as Variant);
    for (const variant of order) {
      const { rate, cpuRate } = await measure(server, variant, scratch);
      // Run 0 warms up the JIT and the sockets.
      if (run > 0) {
        rates.get(variant)?.push(rate);
        cpuRates.get(variant)?.push(cpuRate);
      }
    }
  }
} finally {
  await server.stop();
  await rm(scratch, { recursive: true, force: true });
}

/** The median of the run-by-run ratios to the run without devtools of the same round. */
const pairedRatio = (own: readonly number[], baseline: readonly number[]) => median(own.map((rate, index) => rate / (baseline[index] as number)));
console.log(`devtools on the message path: ${formatInteger(count)} msgpack messages over ${streams} streams, median of ${runs} runs`);
console.log('| devtools | messages/s (wall) | ratio | messages per CPU-second | ratio |');
console.log('|---|---:|---:|---:|---:|');
for (const variant of VARIANTS) {
  const wall = rates.get(variant) ?? [];
  const cpu = cpuRates.get(variant) ?? [];
  console.log(
    `| ${variant} | ${formatInteger(median(wall))} | ${formatRatio(pairedRatio(wall, rates.get('none') ?? []))} | ${formatInteger(median(cpu))} | ${formatRatio(pairedRatio(cpu, cpuRates.get('none') ?? []))} |`,
  );
}
