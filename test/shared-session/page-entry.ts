/**
 * The page side of the shared-session tests and bench: bundled by esbuild and loaded in every tab,
 * it exposes `window.tab`, which the Node side drives through `page.evaluate`.
 */
import type { Subscription } from 'rxjs';
import { createSession, type Session, type SessionOptions, type SessionSnapshot } from '../../src/index.js';

/** A stream message as the tests publish it: `n` counts from 1 per stream. */
interface Numbered {
  readonly n: number;
}

function describeError(error: unknown): { name: string; code?: string; message: string } {
  const value = error as { name?: string; code?: string; message?: string };
  return { name: String(value?.name), ...(value?.code === undefined ? {} : { code: value.code }), message: String(value?.message) };
}

/** What a tab records, for the Node side to read. */
const tab = {
  session: undefined as Session | undefined,
  subscriptions: new Map<string, Subscription>(),
  received: {} as Record<string, number[]>,
  streamErrors: {} as Record<string, string>,
  completed: [] as string[],
  states: [] as string[],
  snapshot: undefined as SessionSnapshot | undefined,
  gaps: [] as string[][],
  errors: [] as string[],
  events: [] as string[],
  closedWith: undefined as { code: number; clientRequested: boolean } | undefined,
  /** The stream of every stream message the leader posted on the share's channel, once {@link tab.spyOnChannel} runs. */
  posted: [] as string[],
  spy: undefined as BroadcastChannel | undefined,

  /** Listens on the share's BroadcastChannel as another tab would, recording the streams of the stream messages posted there. */
  spyOnChannel(channelName: string): void {
    tab.spy = new BroadcastChannel(channelName);
    tab.spy.onmessage = (event: MessageEvent<{ t?: string; items?: Array<[string, unknown, number?]> }>) => {
      if (event.data.t === 'msgs') for (const [stream] of event.data.items ?? []) tab.posted.push(stream);
    };
  },

  open(options: SessionOptions): void {
    const session = createSession(options);
    tab.session = session;
    session.state$.subscribe((snapshot) => {
      tab.snapshot = snapshot;
      tab.states.push(snapshot.value);
    });
    session.gaps$.subscribe((names) => tab.gaps.push([...names]));
    session.errors$.subscribe((error) => tab.errors.push(`${error.name}: ${error.message}`));
    session.events$.subscribe(({ event }) => tab.events.push(event));
    void session.closed.then((reason) => (tab.closedWith = { code: reason.code, clientRequested: reason.clientRequested }));
  },

  observe(name: string): void {
    tab.received[name] ??= [];
    const subscription = tab.session!.stream<Numbered>(name).subscribe({
      next: (data) => tab.received[name]!.push(data.n),
      error: (error: unknown) => (tab.streamErrors[name] = describeError(error).name),
      complete: () => tab.completed.push(name),
    });
    tab.subscriptions.set(name, subscription);
  },

  unobserve(name: string): void {
    tab.subscriptions.get(name)?.unsubscribe();
    tab.subscriptions.delete(name);
  },

  async request(method: string, params: unknown, options: { timeoutMs?: number; abortAfterMs?: number; idempotent?: boolean } = {}) {
    const controller = new AbortController();
    if (options.abortAfterMs !== undefined) setTimeout(() => controller.abort(), options.abortAfterMs);
    try {
      const result = await tab.session!.request(method, params, {
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.idempotent === undefined ? {} : { idempotent: options.idempotent }),
        signal: controller.signal,
      });
      return { result };
    } catch (error) {
      return { error: describeError(error) };
    }
  },

  isLeader(): boolean {
    try {
      return tab.session?.actor !== undefined;
    } catch {
      return false;
    }
  },

  streamState(name: string): string {
    return tab.session!.streamState(name);
  },

  async close(): Promise<void> {
    await tab.session?.close();
  },

  /** Counts messages per second a tab consumes: resolves when `count` messages of `name` have arrived. */
  timeMessages(name: string, count: number): Promise<{ firstAt: number; lastAt: number }> {
    return new Promise((resolve) => {
      let seen = 0;
      let firstAt = 0;
      const subscription = tab.session!.stream(name).subscribe(() => {
        if (seen++ === 0) firstAt = performance.now();
        if (seen === count) {
          const lastAt = performance.now();
          queueMicrotask(() => subscription.unsubscribe());
          resolve({ firstAt, lastAt });
        }
      });
    });
  },
};

(globalThis as { tab?: typeof tab }).tab = tab;
export type Tab = typeof tab;
