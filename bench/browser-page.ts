/**
 * The page of the Chromium throughput bench (bench/browser.ts), bundled by esbuild: a raw
 * `WebSocket` + `JSON.parse` + `Map` client and a wirestate session (JSON codec), each subscribing
 * to the same streams, and one measurement both go through. The bench drives it through
 * `window.bench`.
 *
 * A native WebSocket cannot be paused, so the page holds its own main thread instead: a synchronous
 * request to the bench's `/hold` route, which the bench answers only once the server has written
 * the whole burst. Until then no message task can run, the frames queue in the browser, the kernel
 * and the server's output, and the clock starts when the hold ends.
 */
import { createSession, json } from '../src/index.js';

/** What the bench's `/hold` route answers: the server's reply to its `burst` command. */
export interface BurstReply {
  /** Stream messages the server queued (one per message for one subscribed session). */
  readonly deliveries: number;
  /** How long the server took to encode and queue the burst. */
  readonly publishMs: number;
}

/** One burst as the page saw it. */
export interface PageMeasurement {
  /** How long the main thread was held while the server wrote the burst. */
  readonly holdMs: number;
  /** From the end of the hold to the delivery of the burst's last message to its observer. */
  readonly drainMs: number;
  /** From the end of the hold to the first delivery: near zero when the frames were waiting. */
  readonly firstDeliveryMs: number;
  /** Messages delivered before the hold ended: must be zero, or the clock missed some. */
  readonly deliveredDuringHold: number;
  readonly burst: BurstReply;
}

/** An open client. */
interface PageClient {
  readonly close: () => Promise<void>;
}

let delivered = 0;
let target = 0;
let firstAt = 0;
let reached: ((lastAt: number) => void) | undefined;

/** Every stream's observer, in both clients: counts deliveries and notes the first and the last. */
const onData = (): void => {
  if (++delivered === 1) firstAt = performance.now();
  if (delivered === target) reached?.(performance.now());
};

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
        if (socket.readyState === WebSocket.CLOSED) return resolve();
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

/**
 * Holds the main thread until the bench has had the server write a burst of `count`: a synchronous
 * request blocks this thread without spinning, so the server and the browser's network code keep
 * both cores, and the burst cannot start before the hold nor end after it.
 */
function holdWhileTheServerWrites(count: number): BurstReply {
  const request = new XMLHttpRequest();
  request.open('GET', `/hold?count=${count}`, false);
  request.send();
  if (request.status !== 200) throw new Error(`the hold failed: ${request.status} ${request.responseText}`);
  return JSON.parse(request.responseText) as BurstReply;
}

/** Times the consumption of one burst of `count` messages (see the file's comment). */
async function measure(count: number): Promise<PageMeasurement> {
  delivered = 0;
  target = count;
  const lastDelivery = new Promise<number>((resolve) => (reached = resolve));
  const holdStarted = performance.now();
  const burst = holdWhileTheServerWrites(count);
  const holdEnded = performance.now();
  const deliveredDuringHold = delivered;
  const lastAt = await lastDelivery;
  return { holdMs: holdEnded - holdStarted, drainMs: lastAt - holdEnded, firstDeliveryMs: firstAt - holdEnded, deliveredDuringHold, burst };
}

let client: PageClient | undefined;

const bench = {
  async open(kind: 'raw' | 'wirestate', endpoint: string, streams: readonly string[]): Promise<void> {
    client = kind === 'raw' ? await openRaw(endpoint, streams) : await openWirestate(endpoint, streams);
  },
  measure,
  async close(): Promise<void> {
    await client?.close();
    client = undefined;
  },
};

/** What the page offers the bench, as `window.bench`. */
export type BenchPage = typeof bench;

(globalThis as { bench?: BenchPage }).bench = bench;
