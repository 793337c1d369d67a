/**
 * Starts `bench/server-process.ts` in a child process and sends it commands.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SERVER_SCRIPT = fileURLToPath(new URL('./server-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The running server process. */
export class BenchServer {
  readonly balancerUrl: string;
  readonly endpointUrl: string;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, { resolve: (reply: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  #nextId = 1;

  private constructor(child: ChildProcessWithoutNullStreams, urls: { balancerUrl: string; endpointUrl: string }, lines: AsyncIterableIterator<string>) {
    this.#child = child;
    this.balancerUrl = urls.balancerUrl;
    this.endpointUrl = urls.endpointUrl;
    void (async () => {
      for await (const line of lines) {
        const reply = JSON.parse(line) as Record<string, unknown>;
        const waiter = this.#pending.get(reply['id'] as number);
        if (waiter === undefined) continue;
        this.#pending.delete(reply['id'] as number);
        if (reply['ok'] === true) waiter.resolve(reply);
        else waiter.reject(new Error(`bench server: ${String(reply['error'])}`));
      }
      for (const waiter of this.#pending.values()) waiter.reject(new Error('bench server exited'));
    })();
  }

  /** Starts the server process and resolves once it listens. */
  static async start(): Promise<BenchServer> {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.pipe(process.stderr);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done === true) throw new Error('the bench server exited before listening');
    return new BenchServer(child, JSON.parse(first.value) as { balancerUrl: string; endpointUrl: string }, lines);
  }

  /** Sends one command and resolves with its reply. */
  command<T extends Record<string, unknown> = Record<string, unknown>>(name: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (reply: Record<string, unknown>) => void, reject });
      this.#child.stdin.write(`${JSON.stringify({ ...args, command: name, id })}\n`);
    });
  }

  /** Ends the process (its stdin closing shuts the server down). */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
}
