/**
 * Cold start: the time from opening a client (for wirestate, `createSession` and a `stream()`
 * observer) to its first delivered stream message, in a fresh Node process each time, wirestate
 * against the raw `ws` baseline, alternating. The reference server runs in a process of its own
 * and publishes to the stream every 5 ms, so up to 5 ms of each figure is waiting for the next
 * tick, the same for both clients.
 *
 *   node --import tsx bench/cold-start.ts [runs]        prints one line per client: median and range
 *
 * Module loading is not in the figures (both clients are loaded by one module, bench/clients.ts,
 * before the clock starts); 'warm' is a second client opened in the same process afterwards.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';
import { BenchServer } from './server-control.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
type Kind = 'baseline' | 'wirestate';

/** In the child: opens the client twice (cold, then warm) and prints both times in ms. */
async function child(kind: Kind, endpointUrl: string): Promise<void> {
  const { openClient } = await import('./clients.js');
  const times: number[] = [];
  for (let round = 0; round < 2; round++) {
    let reached!: () => void;
    const first = new Promise<void>((resolve) => (reached = resolve));
    const started = performance.now();
    const client = await openClient(kind, { endpointUrl, codec: 'json', streams: ['bench.0'], onData: () => reached() });
    await first;
    times.push(performance.now() - started);
    await client.close();
  }
  process.stdout.write(`${JSON.stringify({ cold: times[0], warm: times[1] })}\n`);
}

function runChild(kind: Kind, endpointUrl: string): Promise<{ cold: number; warm: number }> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ['--import', 'tsx', SELF, 'child', kind, endpointUrl], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    process_.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => process_.kill('SIGKILL'), 60_000);
    process_.on('error', reject);
    process_.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`cold-start child ${kind} exited with ${String(code)}`));
      resolve(JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { cold: number; warm: number });
    });
  });
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 10);
  const server = await BenchServer.start();
  try {
    await server.command('flow', { streams: 1, ratePerSecond: 200 });
    const results: Record<Kind, { cold: number[]; warm: number[] }> = { baseline: { cold: [], warm: [] }, wirestate: { cold: [], warm: [] } };
    for (let run = 0; run < runs; run++) {
      for (const kind of ['baseline', 'wirestate'] as const) {
        const { cold, warm } = await runChild(kind, server.endpointUrl);
        results[kind].cold.push(cold);
        results[kind].warm.push(warm);
      }
    }
    for (const kind of ['baseline', 'wirestate'] as const) {
      const { cold, warm } = results[kind];
      const range = (values: number[]) => `${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)}`;
      console.log(`${kind}: cold ${median(cold).toFixed(1)} ms (${range(cold)}), warm ${median(warm).toFixed(1)} ms (${range(warm)}), ${runs} processes`);
    }
    const ratio = median(results.wirestate.cold) / median(results.baseline.cold);
    console.log(`cold ratio wirestate / baseline: ${ratio.toFixed(2)}x`);
  } finally {
    await server.stop();
  }
}

if (process.argv[2] === 'child') await child(process.argv[3] as Kind, process.argv[4] as string);
else await main();
