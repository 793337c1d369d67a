/**
 * A bench script in a Node process of its own, spoken to in JSON lines: one line in, one line
 * back. Every wait is bounded, and {@link BenchChild.stop} leaves no process behind. The
 * end-to-end latency clients and the request latency clients run this way, so that each client
 * has a process (heap, collections, compiled code, caches) to itself.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { within } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Starting Node with tsx and connecting takes a second or two; a loaded machine, more. */
const READY_TIMEOUT_MS = 30_000;
/** How long a child may take to exit once its stdin has ended, before it is killed. */
const EXIT_TIMEOUT_MS = 3_000;

/** A running child: {@link BenchChild.start} resolves once it printed its first line (it is ready). */
export class BenchChild {
  /** How errors name this child, e.g. `wirestate client process`. */
  readonly name: string;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterableIterator<string>;
  /** Settles once the process is gone: exited, or never started (a spawn 'error' comes without an 'exit'). */
  readonly #gone: Promise<void>;

  private constructor(name: string, child: ChildProcessWithoutNullStreams) {
    this.name = name;
    this.#child = child;
    this.#lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    // Without listeners, a failed spawn or a write to a child that just died (EPIPE) would be an
    // unhandled 'error' event that ends the bench instead of the "exited early" error below.
    this.#gone = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', (error) => {
        process.stderr.write(`${name}: ${error.message}\n`);
        resolve();
      });
    });
    child.stdin.on('error', () => {});
  }

  /** Starts `script` (a path under bench/) with `config` as its JSON argument; resolves with its first line once it printed one. */
  static async start(script: URL, config: unknown, name: string): Promise<{ child: BenchChild; ready: unknown }> {
    const process_ = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), JSON.stringify(config)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    process_.stderr.pipe(process.stderr);
    const child = new BenchChild(name, process_);
    try {
      const ready = await within(child.#nextLine(), READY_TIMEOUT_MS, `${name} start`);
      return { child, ready };
    } catch (error) {
      await child.stop();
      throw error;
    }
  }

  /** Sends one line and resolves with the child's answer line, parsed. */
  async ask(line: string, timeoutMs: number, what: string): Promise<unknown> {
    this.#child.stdin.write(`${line}\n`);
    return within(this.#nextLine(), timeoutMs, `${this.name} ${what}`);
  }

  /** Ends the process: its stdin closing lets it close its client; killed if it has not exited in time. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await within(this.#gone, 2 * EXIT_TIMEOUT_MS, `${this.name} exit`).finally(() => clearTimeout(timer));
  }

  async #nextLine(): Promise<unknown> {
    const next = await this.#lines.next();
    if (next.done === true) throw new Error(`${this.name} exited early`);
    return JSON.parse(next.value) as unknown;
  }
}

/**
 * Waits for every start; if any failed, stops the ones that started and throws the first failure,
 * so that no process is left behind.
 */
export async function startAll<T extends { stop(): Promise<void> }>(starts: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const started = await Promise.allSettled(starts);
  const running = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(running.map((child) => child.stop()));
    throw failed.reason;
  }
  return running;
}

/** Writes one JSON line to stdout: what a child answers with. */
export function writeLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
