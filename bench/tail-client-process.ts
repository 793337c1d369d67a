/**
 * Starts `bench/tail-child.ts` (one client of the end-to-end latency bench) in a child process and
 * collects its delays (see {@link BenchChild}).
 */
import { BenchChild } from './child-process.js';
import type { TailChildConfig } from './tail-child.js';

const CHILD_SCRIPT = new URL('./tail-child.ts', import.meta.url);
/** The child waits up to 2 s for messages in flight, then sends about 1.3 MB of base64. */
const REPORT_TIMEOUT_MS = 15_000;

/** A running client process. */
export class TailClientProcess {
  readonly config: TailChildConfig;
  readonly #child: BenchChild;

  private constructor(config: TailChildConfig, child: BenchChild) {
    this.config = config;
    this.#child = child;
  }

  /** Starts the process and resolves once its client is connected and has sent its subscriptions. */
  static async start(config: TailChildConfig): Promise<TailClientProcess> {
    const { child } = await BenchChild.start(CHILD_SCRIPT, config, `${config.kind} client process`);
    return new TailClientProcess(config, child);
  }

  /**
   * Asks for the delays once the server has published every message: the stamp-to-observer time
   * of message `n` at index `n`, in microseconds. Throws if a message did not arrive.
   */
  async delays(): Promise<Float64Array> {
    const reply = await this.#child.ask('report', REPORT_TIMEOUT_MS, 'report');
    const { received, delays } = reply as { received: number; delays: string };
    // Copied into a buffer of its own: a Float64Array needs an offset aligned to 8 bytes.
    const values = new Float64Array(new Uint8Array(Buffer.from(delays, 'base64')).buffer);
    if (received !== this.config.messages || values.some(Number.isNaN)) {
      throw new Error(`${this.config.kind} ${this.config.codec}: observed ${received} of ${this.config.messages} stamped messages`);
    }
    return values;
  }

  /** Ends the process (see {@link BenchChild.stop}). */
  stop(): Promise<void> {
    return this.#child.stop();
  }
}
