/**
 * The three clients the benchmark compares, behind one small interface:
 * - `baseline`: a raw `ws` socket, the codec library's decode, a Map from stream name to a plain
 *   callback (what a hand-written client does at best);
 * - `wirestate`: a session, one `stream(name)` observable per stream;
 * - `rxjs`: RxJS's `webSocket()` subject with one `multiplex()` per stream.
 *
 * Each can pause its socket, so a benchmark can pile a burst up in the server's output and then
 * measure only how fast the client consumes it.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { deserialize, serialize } from 'bson';
import { firstValueFrom, filter, type Subscription } from 'rxjs';
import { webSocket, type WebSocketSubject } from 'rxjs/webSocket';
import WebSocket from 'ws';
import { codecFactory } from '../src/codecs/index.js';
import { createSession, type Session, type WebSocketConstructor } from '../src/node.js';

export type BenchCodec = 'json' | 'msgpack' | 'bson';
export type ClientKind = 'baseline' | 'wirestate' | 'rxjs';

/** A client subscribed to some streams. */
export interface BenchClient {
  /** Stops reading from the socket (data piles up in the kernel and the server). */
  pause(): void;
  resume(): void;
  /** Sends a request and resolves with its result (baseline and wirestate only). */
  request(method: string, params: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** How a client is opened. */
export interface OpenOptions {
  readonly endpointUrl: string;
  readonly codec: BenchCodec;
  readonly streams: readonly string[];
  /** Called with every delivered `data`, for every stream. */
  readonly onData: (data: unknown) => void;
  /** Extra session options (wirestate only). */
  readonly sessionOptions?: Record<string, unknown>;
}

const SUBPROTOCOLS: Record<BenchCodec, string> = { json: 'json.v1', msgpack: 'msgpack.v1', bson: 'bson.v1' };
/** Streams per SUBSCRIBE packet of the baseline, as wirestate's default. */
const BATCH = 1_000;

/** A `ws` subclass that remembers its instances, so the benchmark can pause the socket a library created. */
export class TrackedWebSocket extends WebSocket {
  static latest: TrackedWebSocket | undefined;
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    TrackedWebSocket.latest = this;
  }
}

function encoderFor(codec: BenchCodec): (packet: object) => string | Uint8Array {
  if (codec === 'json') return (packet) => JSON.stringify(packet);
  if (codec === 'msgpack') {
    const encoder = new Encoder();
    return (packet) => encoder.encode(packet);
  }
  return (packet) => serialize(packet);
}

/** The codec library's plain decode, as a hand-written client would call it. */
function decoderFor(codec: BenchCodec): (data: Buffer | ArrayBuffer | string) => Record<string, unknown> {
  if (codec === 'json') return (data) => JSON.parse(typeof data === 'string' ? data : data.toString()) as Record<string, unknown>;
  if (codec === 'msgpack') {
    const decoder = new Decoder();
    return (data) => decoder.decode(data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Buffer)) as Record<string, unknown>;
  }
  return (data) => deserialize(data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Buffer)) as Record<string, unknown>;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

/** The baseline: raw ws, decode, Map dispatch to a plain callback. */
async function openBaseline(options: OpenOptions): Promise<BenchClient> {
  const decode = decoderFor(options.codec);
  const encode = encoderFor(options.codec);
  const handlers = new Map<string, (data: unknown) => void>();
  for (const name of options.streams) handlers.set(name, options.onData);
  const pending = new Map<number, (packet: Record<string, unknown>) => void>();
  let nextId = 1;
  const socket = new WebSocket(`${options.endpointUrl}?version=1`, [SUBPROTOCOLS[options.codec]]);
  socket.on('message', (data: Buffer) => {
    const packet = decode(data);
    const stream = packet['stream'];
    if (typeof stream === 'string') {
      handlers.get(stream)?.(packet['data']);
      return;
    }
    const id = packet['id'];
    if (typeof id === 'number') {
      pending.get(id)?.(packet);
      pending.delete(id);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const request = (method: string, params: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (packet) => (packet['error'] !== undefined ? reject(new Error(JSON.stringify(packet['error']))) : resolve(packet['result'])));
      socket.send(encode({ id, method, params }));
    });
  await request('INITIALIZE', { client: 'baseline/1' });
  await Promise.all(chunks(options.streams, BATCH).map((names) => request('SUBSCRIBE', names)));
  return {
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    request,
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close(1000);
      }),
  };
}

/** wirestate: a session with one observer per stream. */
async function openWirestate(options: OpenOptions): Promise<BenchClient> {
  const session: Session = createSession({
    endpoint: options.endpointUrl,
    codecs: [codecFactory(options.codec)],
    WebSocket: TrackedWebSocket as unknown as WebSocketConstructor,
    ...options.sessionOptions,
  });
  const subscriptions: Subscription[] = options.streams.map((name) => session.stream(name).subscribe(options.onData));
  session.start();
  await firstValueFrom(session.state$.pipe(filter((snapshot) => snapshot.value === 'authorized')));
  const socket = TrackedWebSocket.latest as TrackedWebSocket;
  return {
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    request: (method, params) => session.request(method, params),
    async close() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await session.close();
    },
  };
}

/** RxJS: `webSocket()` and one `multiplex()` per stream, each filtering every message. */
async function openRxjs(options: OpenOptions): Promise<BenchClient> {
  const decode = decoderFor(options.codec);
  const encode = encoderFor(options.codec);
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const subject: WebSocketSubject<Record<string, unknown>> = webSocket<Record<string, unknown>>({
    url: `${options.endpointUrl}?version=1`,
    protocol: SUBPROTOCOLS[options.codec],
    WebSocketCtor: TrackedWebSocket as unknown as typeof globalThis.WebSocket,
    binaryType: 'arraybuffer',
    serializer: (packet) => encode(packet) as string | ArrayBuffer,
    deserializer: (event) => decode(event.data as string | ArrayBuffer),
    openObserver: { next: () => opened() },
  });
  let nextId = 1;
  subject.next({ id: nextId++, method: 'INITIALIZE', params: { client: 'rxjs/7' } });
  const subscriptions = options.streams.map((name) =>
    subject
      .multiplex(
        () => ({ id: nextId++, method: 'SUBSCRIBE', params: [name] }),
        () => ({ id: nextId++, method: 'UNSUBSCRIBE', params: [name] }),
        (packet) => packet['stream'] === name,
      )
      .subscribe((packet) => options.onData(packet['data'])),
  );
  await open;
  const socket = TrackedWebSocket.latest as TrackedWebSocket;
  return {
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    request: () => Promise.reject(new Error('the rxjs client does not make requests')),
    async close() {
      const closed = new Promise<void>((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) resolve();
        else socket.once('close', () => resolve());
      });
      for (const subscription of subscriptions) subscription.unsubscribe();
      subject.complete();
      await closed;
    },
  };
}

/** Opens a client of `kind`; resolves once it is connected and has sent its subscriptions. */
export function openClient(kind: ClientKind, options: OpenOptions): Promise<BenchClient> {
  switch (kind) {
    case 'baseline':
      return openBaseline(options);
    case 'wirestate':
      return openWirestate(options);
    case 'rxjs':
      return openRxjs(options);
  }
}
