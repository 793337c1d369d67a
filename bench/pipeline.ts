/**
 * The client's own cost per stream message, without sockets or a server: the same JSON frames
 * (as ws hands them over: Buffers) go through the baseline's handler (toString, JSON.parse, Map
 * dispatch) and through a real session whose WebSocket is a stand-in EventEmitter, so the
 * difference is wirestate's overhead alone, free of the network's noise. For profiling:
 *
 *   node --import tsx bench/pipeline.ts
 *   node --cpu-prof --import tsx bench/pipeline.ts
 */
import { createSession, type WebSocketConstructor } from '../src/node.js';
import { payloadPool } from './payloads.js';
import { StandInWebSocket, standInSockets } from './stand-in-websocket.js';

const N = 300_000;
const pool = payloadPool('small');
const bufs: Buffer[] = [];
// Without seq, so the same frames can go through again (the registry drops a repeated seq as a duplicate).
for (let i = 0; i < N; i++) bufs.push(Buffer.from(JSON.stringify({ stream: `bench.${i % 100}`, data: pool[i % 64] })));

const session = createSession({ endpoint: 'ws://fake/ws', codecs: ['json'], WebSocket: StandInWebSocket as unknown as WebSocketConstructor });
let count = 0;
for (let i = 0; i < 100; i++) session.stream(`bench.${i}`).subscribe(() => count++);
await new Promise((r) => setTimeout(r, 100));
const ws = standInSockets[0] as StandInWebSocket;
const map = new Map<string, (d: unknown) => void>();
for (let i = 0; i < 100; i++) map.set(`bench.${i}`, () => count++);
const baselineHandler = (data: Buffer) => {
  const packet = JSON.parse(data.toString()) as { stream?: unknown; data?: unknown };
  if (typeof packet.stream === 'string') map.get(packet.stream)?.(packet.data);
};
for (let round = 0; round < 6; round++) {
  let started = performance.now();
  for (const frame of bufs) baselineHandler(frame);
  const a = performance.now() - started;
  started = performance.now();
  for (const frame of bufs) ws.emit('message', frame, false);
  const w = performance.now() - started;
  console.log(`baseline ${((a * 1000) / N).toFixed(3)} µs, wirestate ${((w * 1000) / N).toFixed(3)} µs a message: overhead ${(((w - a) * 1000) / N).toFixed(3)} µs, ratio ${(a / w).toFixed(3)}`);
}
if (count !== 12 * N) throw new Error(`delivered ${count} messages, expected ${12 * N}`);
await session.close();
