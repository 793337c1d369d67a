/**
 * Runs the memory benchmarks in child processes (`bench/memory-child.ts`, with `--expose-gc`) and
 * collects their results.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientKind } from './clients.js';

const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Heap per idle stream of one client. */
export interface IdleMemoryResult {
  readonly kind: ClientKind;
  readonly streams: number;
  readonly bytesPerStream: number;
}

/** Heap growth of a session over many messages. */
export interface GrowthResult {
  readonly messages: number;
  readonly heapStart: number;
  readonly heapEnd: number;
  readonly growth: number;
  /** Heap after each burst of 100,000 messages. */
  readonly samples: readonly number[];
}

function runChild(args: readonly string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`memory benchmark ${args.join(' ')} exited with ${String(code)}`));
      resolve(JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>);
    });
  });
}

/** Heap per idle stream with one observer, for each client, `streams` streams each. */
export async function runIdleMemory(kinds: readonly ClientKind[], streams: number, log: (line: string) => void): Promise<IdleMemoryResult[]> {
  const results: IdleMemoryResult[] = [];
  for (const kind of kinds) {
    const result = await runChild(['idle', kind, String(streams)]);
    results.push({ kind, streams, bytesPerStream: result['bytesPerStream'] as number });
    log(`memory idle ${kind}: ${(result['bytesPerStream'] as number).toFixed(0)} bytes per stream (${streams} streams)`);
  }
  return results;
}

/** Heap growth of a wirestate session over `messages` messages. */
export async function runGrowth(messages: number, log: (line: string) => void): Promise<GrowthResult> {
  const result = (await runChild(['growth', 'wirestate', String(messages)])) as unknown as GrowthResult;
  log(`memory growth over ${messages} messages: ${result.growth} bytes`);
  return result;
}
