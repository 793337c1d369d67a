/**
 * Starts `bench/tail-child.ts` (one client of the end-to-end latency bench) in a child process and
 * collects its delays. Every wait is bounded, and {@link TailClientProcess.stop} leaves no process
 * behind.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { within } from './stats.js';
import type { TailChildConfig } from './tail-child.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./tail-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Starting Node with tsx and connecting takes a second or two; a loaded machine, more. */
const READY_TIMEOUT_MS = 30_000;
/** The child waits up to 2 s for messages in flight, then sends about 1.3 MB of base64. */
const REPORT_TIMEOUT_MS = 15_000;

/** A running client process. */
export class TailClientProcess {
  readonly config: TailChildConfig;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterableIterator<string>;

  private constructor(config: TailChildConfig, child: ChildProcessWithoutNullStreams, lines: AsyncIterableIterator<string>) {
    this.config = config;
    this.#child = child;
    this.#lines = lines;
  }

  /** Starts the process and resolves once its client is connected and has sent its subscriptions. */
  static async start(config: TailChildConfig): Promise<TailClientProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, JSON.stringify(config)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.pipe(process.stderr);
    const running = new TailClientProcess(config, child, createInterface({ input: child.stdout })[Symbol.asyncIterator]());
    try {
      await within(running.#nextLine(), READY_TIMEOUT_MS, `${config.kind} client process start`);
      return running;
    } catch (error) {
      await running.stop();
      throw error;
    }
  }

  /**
   * Asks for the delays once the server has published every message: the stamp-to-observer time
   * of message `n` at index `n`, in microseconds. Throws if a message did not arrive.
   */
  async delays(): Promise<Float64Array> {
    this.#child.stdin.write('report\n');
    const reply = await within(this.#nextLine(), REPORT_TIMEOUT_MS, `${this.config.kind} client report`);
    const { received, delays } = reply as { received: number; delays: string };
    // Copied into a buffer of its own: a Float64Array needs an offset aligned to 8 bytes.
    const values = new Float64Array(new Uint8Array(Buffer.from(delays, 'base64')).buffer);
    if (received !== this.config.messages || values.some(Number.isNaN)) {
      throw new Error(`${this.config.kind} ${this.config.codec}: observed ${received} of ${this.config.messages} stamped messages`);
    }
    return values;
  }

  /** Ends the process: its stdin closing lets it close its client; killed if it has not exited within 3 s. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }

  async #nextLine(): Promise<unknown> {
    const next = await this.#lines.next();
    if (next.done === true) throw new Error(`${this.config.kind} client process exited early`);
    return JSON.parse(next.value) as unknown;
  }
}
