/**
 * Heap allocated per stream message on the hot path (ws 'message' -> decode -> classify -> route
 * -> observer), without sockets or a server: the same stand-in WebSocket as bench/pipeline.ts.
 * Young-generation collections are kept out of each measured batch (a semi-space larger than a
 * batch allocates, and a full collection before it), so the growth of `heapUsed` over a batch is
 * what the batch allocated (a batch whose heap shrank had a collection and is dropped).
 *
 *   node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 --import tsx bench/allocation.ts [json|msgpack]
 *   node --expose-gc --trace-gc --import tsx bench/allocation.ts json|msgpack baseline|wirestate   (count 'Scavenge' lines: 1,000,000 messages)
 *
 * Prints bytes per message for the baseline (toString and JSON.parse, or the MessagePack Decoder;
 * Map dispatch) and for wirestate.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { codecFactory } from '../src/codecs/index.js';
import { createSession, type WebSocketConstructor } from '../src/node.js';
import { payloadPool } from './payloads.js';
import { StandInWebSocket, standInSockets } from './stand-in-websocket.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const BATCH = 20_000;
const TOTAL = 1_000_000;
const pool = payloadPool('small');
const frames: Buffer[] = [];
const codec = process.argv[2] === 'msgpack' ? 'msgpack' : 'json';
const binary = codec === 'msgpack';
const encoder = new Encoder();
for (let i = 0; i < BATCH; i++) {
  const packet = { stream: `bench.${i % 100}`, data: pool[i % 64] };
  frames.push(binary ? Buffer.from(encoder.encode(packet)) : Buffer.from(JSON.stringify(packet)));
}
StandInWebSocket.codec = codec;


let delivered = 0;
const session = createSession({ endpoint: 'ws://fake/ws', codecs: [codecFactory(codec)], WebSocket: StandInWebSocket as unknown as WebSocketConstructor });
for (let i = 0; i < 100; i++) session.stream(`bench.${i}`).subscribe(() => delivered++);
await new Promise((resolve) => setTimeout(resolve, 100));
const socket = standInSockets[0] as StandInWebSocket;
const handlers = new Map<string, (data: unknown) => void>();
for (let i = 0; i < 100; i++) handlers.set(`bench.${i}`, () => delivered++);
const decoder = new Decoder();
const baseline = (data: Buffer) => {
  const packet = (binary ? decoder.decode(data) : JSON.parse(data.toString())) as { stream?: unknown; data?: unknown };
  if (typeof packet.stream === 'string') handlers.get(packet.stream)?.(packet.data);
};
const wirestate = (data: Buffer) => socket.emit('message', data, binary);

/** Median bytes per message over batches without a collection. */
async function measure(handle: (data: Buffer) => void): Promise<number> {
  for (const frame of frames) handle(frame);
  const perBatch: number[] = [];
  for (let round = 0; round < 15; round++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
    const before = process.memoryUsage().heapUsed;
    for (const frame of frames) handle(frame);
    const after = process.memoryUsage().heapUsed;
    if (after > before) perBatch.push((after - before) / BATCH);
  }
  perBatch.sort((a, b) => a - b);
  return perBatch[Math.floor(perBatch.length / 2)] ?? NaN;
}

const only = process.argv[3];
if (only === 'baseline' || only === 'wirestate') {
  // For --trace-gc: TOTAL messages through one client and nothing else.
  gc();
  console.log(`--- ${only}: ${TOTAL} messages start`);
  const handle = only === 'baseline' ? baseline : wirestate;
  for (let sent = 0; sent < TOTAL; sent += BATCH) for (const frame of frames) handle(frame);
  console.log(`--- ${only}: end`);
} else {
  const base = await measure(baseline);
  const ours = await measure(wirestate);
  console.log(`${codec} baseline: ${base.toFixed(1)} B a message`);
  console.log(`wirestate: ${ours.toFixed(1)} B a message`);
  console.log(`wirestate's own: ${(ours - base).toFixed(1)} B a message (delivered ${delivered})`);
}
await session.close();
