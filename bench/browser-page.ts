/**
 * The page of bench/browser.ts, bundled by esbuild: a raw `WebSocket` + `JSON.parse` + `Map`
 * client and a wirestate session (JSON codec), each subscribing to the same streams and timing the
 * first to the last message of a burst. The page calls `window.bench`.
 */
import { createSession, json } from '../src/index.js';

/** First and last message arrival (performance.now()) of a burst of `count`. */
export interface BurstTiming {
  readonly firstAt: number;
  readonly lastAt: number;
}

/** An open client. */
export interface PageClient {
  readonly close: () => Promise<void>;
}

let received = 0;
let target = 0;
let firstAt = 0;
let reached: ((timing: BurstTiming) => void) | undefined;
const onData = (): void => {
  if (received === 0) firstAt = performance.now();
  if (++received === target) reached?.({ firstAt, lastAt: performance.now() });
};
let arrived: Promise<BurstTiming> | undefined;
/** Expects a burst of `count`; armed before the server publishes, so no message is missed. */
function arm(count: number): void {
  received = 0;
  target = count;
  arrived = new Promise((resolve) => (reached = resolve));
}

async function openRaw(endpoint: string, streams: readonly string[]): Promise<PageClient> {
  const handlers = new Map<string, (data: unknown) => void>();
  for (const name of streams) handlers.set(name, onData);
  const pending = new Map<number, () => void>();
  const socket = new WebSocket(`${endpoint}?version=1`, ['json.v1']);
  socket.onmessage = (event: MessageEvent) => {
    const packet = JSON.parse(event.data as string) as { stream?: unknown; data?: unknown; id?: unknown };
    if (typeof packet.stream === 'string') {
      handlers.get(packet.stream)?.(packet.data);
      return;
    }
    if (typeof packet.id === 'number') pending.get(packet.id)?.();
  };
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error('the raw socket failed'));
  });
  let nextId = 1;
  const request = (method: string, params: unknown) =>
    new Promise<void>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  await request('INITIALIZE', { client: 'raw/1' });
  await request('SUBSCRIBE', streams);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        socket.onclose = () => resolve();
        socket.close(1000);
      }),
  };
}

async function openWirestate(endpoint: string, streams: readonly string[]): Promise<PageClient> {
  const session = createSession({ endpoint, codecs: [json()] });
  const subscriptions = streams.map((name) => session.stream(name).subscribe(onData));
  await session.ready();
  return {
    async close() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await session.close();
    },
  };
}

let client: PageClient | undefined;
const bench = {
  async open(kind: 'raw' | 'wirestate', endpoint: string, streams: readonly string[]): Promise<void> {
    client = kind === 'raw' ? await openRaw(endpoint, streams) : await openWirestate(endpoint, streams);
  },
  arm,
  /** Resolves once the armed burst has arrived. */
  arrived: () => arrived as Promise<BurstTiming>,
  async close(): Promise<void> {
    await client?.close();
    client = undefined;
  },
};
(globalThis as { bench?: typeof bench }).bench = bench;
