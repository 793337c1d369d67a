/**
 * The client's own cost per request round trip, without sockets or a server: a hand-written
 * client (encode, Map of pending ids, decode on the way back) against a real session whose
 * WebSocket is a stand-in EventEmitter. Each round trip sends a request, feeds the answer as ws
 * would hand it over (a Buffer), and awaits the promise, so the difference is wirestate's request
 * path alone (correlator, deadline timer, envelope, encodability check, encode, size check, decode,
 * classify, routing, settling), free of the network's noise. Prints microseconds per round
 * trip (wall clock) for both and the difference, in alternating runs; on a shared machine read the
 * difference of the fastest runs. For profiling:
 *
 *   node --import tsx bench/request-pipeline.ts [json|msgpack] [runs] [count]
 *   WIRESTATE_ONLY=1 node --cpu-prof --cpu-prof-interval 50 --import tsx bench/request-pipeline.ts json 20
 *
 * `SYSCALLS=1` makes a cheap system call (getrusage) where a socket makes its write and its read,
 * in both clients: code right after a system call runs on cold caches and TLB, which is most of
 * what a real socket adds to wirestate's own cost (see docs/benchmarks.md).
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { codecFactory } from '../src/codecs/index.js';
import { createSession, type WebSocketConstructor } from '../src/node.js';
import { StandInWebSocket, standInSockets } from './stand-in-websocket.js';

const codec = (process.argv[2] ?? 'json') as 'json' | 'msgpack';
const runs = Number(process.argv[3] ?? 15);
const count = Number(process.argv[4] ?? 20_000);
const PARAMS = { symbol: 'BTCUSDT', side: 'buy', quantity: '0.01000000', price: '43000.12' };
/** Stands in for the system calls of a socket's write and read (`SYSCALLS=1`). */
const systemCall = process.env['SYSCALLS'] === '1' ? () => void process.cpuUsage() : () => {};

/** Answers the handshake like the plain stand-in; afterwards it only records what the client sends, and the loop below answers. */
class CodecStandIn extends StandInWebSocket {
  /** The last request frame the client sent (after the handshake). */
  lastSent: string | Uint8Array | undefined;
  answering = true;
  override send(data: string | Uint8Array): void {
    if (this.answering) super.send(data);
    else {
      this.lastSent = data;
      systemCall();
    }
  }
}
StandInWebSocket.codec = codec;

const encoder = new Encoder();
const decoder = new Decoder();
const encode = codec === 'json' ? (packet: object) => JSON.stringify(packet) : (packet: object) => encoder.encode(packet);
const decode = codec === 'json' ? (data: Buffer) => JSON.parse(data.toString()) as Record<string, unknown> : (data: Buffer) => decoder.decode(data) as Record<string, unknown>;
/** The server's answers, made up front so neither client pays for them: id → frame. */
const answers = new Map<number, Buffer>();
function answerFor(id: number): Buffer {
  let frame = answers.get(id);
  if (frame === undefined) {
    const answer = { id, result: PARAMS };
    frame = codec === 'json' ? Buffer.from(JSON.stringify(answer)) : Buffer.from(encoder.encode(answer));
    answers.set(id, frame);
  }
  return frame;
}

// The hand-written client: the same shape as bench/clients.ts's baseline.
const pending = new Map<number, (packet: Record<string, unknown>) => void>();
let nextId = 1;
const baselineSocket = {
  sent: undefined as unknown,
  send(frame: unknown) {
    this.sent = frame;
    systemCall();
  },
};
const baselineReceive = (data: Buffer) => {
  const packet = decode(data);
  const id = packet['id'];
  if (typeof id === 'number') {
    pending.get(id)?.(packet);
    pending.delete(id);
  }
};
const baselineRequest = (method: string, params: unknown) =>
  new Promise<unknown>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, (packet) => (packet['error'] !== undefined ? reject(new Error(JSON.stringify(packet['error']))) : resolve(packet['result'])));
    baselineSocket.send(encode({ id, method, params }));
  });

const session = createSession({ endpoint: 'ws://fake/ws', codecs: [codecFactory(codec)], WebSocket: CodecStandIn as unknown as WebSocketConstructor });
await session.ready();
const socket = standInSockets[0] as CodecStandIn;
socket.answering = false;
const idOf = (frame: string | Uint8Array) => ((typeof frame === 'string' ? JSON.parse(frame) : decoder.decode(frame)) as { id: number }).id;
// The session's ids continue after the handshake's: learn the first one, then answer in step.
let sessionId = 0;
{
  const first = session.request('ECHO', PARAMS);
  sessionId = idOf(socket.lastSent as string | Uint8Array);
  socket.emit('message', answerFor(sessionId), codec !== 'json');
  await first;
}

async function baselineLoop(): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const id = nextId;
    const promise = baselineRequest('ECHO', PARAMS);
    // The answer comes once the loop waits for it, as from a socket (a microtask stands in for the network).
    queueMicrotask(() => {
      systemCall();
      baselineReceive(answerFor(id));
    });
    await promise;
  }
  return ((performance.now() - started) * 1_000) / count;
}

const requestOptions = process.env['NO_TIMEOUT'] === '1' ? { timeoutMs: Infinity } : {};
async function wirestateLoop(): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const promise = session.request('ECHO', PARAMS, requestOptions);
    const answer = answerFor(++sessionId);
    queueMicrotask(() => {
      systemCall();
      socket.emit('message', answer, codec !== 'json');
    });
    await promise;
  }
  return ((performance.now() - started) * 1_000) / count;
}

/** `WIRESTATE_ONLY=1` runs only the session, for a profile of its path alone. */
const wirestateOnly = process.env['WIRESTATE_ONLY'] === '1';
const differences: number[] = [];
const baselineTimes: number[] = [];
const wirestateTimes: number[] = [];
for (let run = 0; run < runs; run++) {
  answers.clear();
  for (let id = nextId; id < nextId + count; id++) answerFor(id);
  const base = wirestateOnly ? 0 : await baselineLoop();
  answers.clear();
  for (let id = sessionId + 1; id <= sessionId + count; id++) answerFor(id);
  const wire = await wirestateLoop();
  differences.push(wire - base);
  if (run > 0) {
    baselineTimes.push(base);
    wirestateTimes.push(wire);
  }
  if (process.env['VERBOSE'] === '1') console.log(`${codec} baseline ${base.toFixed(2)} µs, wirestate ${wire.toFixed(2)} µs a round trip: difference ${(wire - base).toFixed(2)} µs`);
}
// The first run warms the JIT up: left out of the summary.
const sorted = differences.slice(1).sort((a, b) => a - b);
const fastest = (times: number[]) => Math.min(...times);
console.log(
  `${codec} runs 2-${runs}: fastest baseline ${fastest(baselineTimes).toFixed(2)} µs, wirestate ${fastest(wirestateTimes).toFixed(2)} µs a round trip, ` +
    `difference of the fastest ${(fastest(wirestateTimes) - fastest(baselineTimes)).toFixed(2)} µs; per-run difference median ${(sorted[Math.floor(sorted.length / 2)] ?? NaN).toFixed(2)} µs, range ${(sorted[0] ?? NaN).toFixed(2)}-${(sorted.at(-1) ?? NaN).toFixed(2)} µs`,
);
await session.close();
