/**
 * Where a request round trip's time goes over loopback, segment by segment, for the baseline (raw
 * `ws`, ids correlated by hand) and a wirestate session, both connected, taking turns of 500
 * sequential `ECHO` round trips (who goes first alternates). ws's `send` and `emit` and the TCP
 * handle's write calls are wrapped with clock reads, which splits each round trip into:
 *
 * - send: `request()` called until `ws.send` is entered (the client's own request path);
 * - ws.send: ws's framing and Node's stream (JavaScript), and the write system call, apart;
 * - return: `ws.send` returned until `request()` returns (what the client does after the write);
 * - receive: ws emitted the answer until the awaiting caller resumes (decode, routing, settling).
 *
 * The time between is the server's and the kernel's. Prints each segment's median over the turns
 * (quartiles in brackets) and wirestate's difference to the baseline. The clock reads add the same
 * to both clients. For why the same code costs more here than in bench/request-pipeline.ts (no
 * socket, no system calls), see docs/benchmarks.md.
 *
 *   node --import tsx bench/request-segments.ts [json|msgpack] [turns]
 */
import WebSocket from 'ws';
import { openClient, type BenchClient } from './clients.js';
import { BenchServer } from './server-control.js';

const PARAMS = { symbol: 'BTCUSDT', side: 'buy', quantity: '0.01000000', price: '43000.12' };
const codec = (process.argv[2] ?? 'json') as 'json' | 'msgpack';
const turns = Number(process.argv[3] ?? 24);
const TURN = 500;
/** Turns that warm the JIT up and do not count. */
const WARM_UP = 4;

type Wrappable = Record<string, (this: unknown, ...args: unknown[]) => unknown>;
/** Replaces `owner[name]` with a function that calls `around(call, args, self)`, where `call` runs the original. */
function wrap(owner: Wrappable, name: string, around: (call: () => unknown, args: unknown[], self: unknown) => unknown): void {
  const original = owner[name];
  if (typeof original !== 'function') return;
  owner[name] = function (this: unknown, ...args: unknown[]) {
    return around(() => original.apply(this, args), args, this);
  };
}

let sendEntered = 0;
let sendReturned = 0;
let messageEmitted = 0;
let inWrite = 0;
let lastSocket: unknown;
const wsPrototype = WebSocket.prototype as unknown as Wrappable;
wrap(wsPrototype, 'send', (call, _args, self) => {
  lastSocket = self;
  sendEntered = performance.now();
  const result = call();
  sendReturned = performance.now();
  return result;
});
wrap(wsPrototype, 'emit', (call, args) => {
  if (args[0] === 'message') messageEmitted = performance.now();
  return call();
});

const server = await BenchServer.start();
const clients: Record<'baseline' | 'wirestate', BenchClient> = {
  baseline: await openClient('baseline', { endpointUrl: server.endpointUrl, codec, streams: [], onData: () => {} }),
  wirestate: await openClient('wirestate', { endpointUrl: server.endpointUrl, codec, streams: [], onData: () => {} }),
};
// The write system calls: on the prototype of the TCP handles (LibuvStreamWrap), which both sockets share.
{
  const handle = (lastSocket as { _socket: { _handle: object } })._socket._handle;
  let owner = Object.getPrototypeOf(handle) as Wrappable;
  while (!Object.hasOwn(owner, 'writev')) owner = Object.getPrototypeOf(owner) as Wrappable;
  for (const name of ['writev', 'writeUtf8String', 'writeBuffer', 'writeLatin1String']) {
    wrap(owner, name, (call) => {
      const started = performance.now();
      const result = call();
      inWrite += performance.now() - started;
      return result;
    });
  }
}

const SEGMENTS = ['send', 'wsSend', 'write', 'return', 'receive'] as const;
type Segment = (typeof SEGMENTS)[number];
const LABELS: Record<Segment, string> = { send: 'send', wsSend: 'ws.send JS', write: 'write syscall', return: 'return', receive: 'receive' };
const perTurn = { baseline: new Map<Segment, number[]>(), wirestate: new Map<Segment, number[]>() };
for (const kind of ['baseline', 'wirestate'] as const) for (const segment of SEGMENTS) perTurn[kind].set(segment, []);

for (let turn = 0; turn < turns; turn++) {
  for (const kind of turn % 2 === 0 ? (['baseline', 'wirestate'] as const) : (['wirestate', 'baseline'] as const)) {
    const client = clients[kind];
    const sums: Record<Segment, number> = { send: 0, wsSend: 0, write: 0, return: 0, receive: 0 };
    inWrite = 0;
    for (let made = 0; made < TURN; made++) {
      const called = performance.now();
      const answer = client.request('ECHO', PARAMS);
      const returned = performance.now();
      sums.send += sendEntered - called;
      sums.wsSend += sendReturned - sendEntered;
      sums.return += returned - sendReturned;
      await answer;
      sums.receive += performance.now() - messageEmitted;
    }
    sums.wsSend -= inWrite;
    sums.write = inWrite;
    if (turn < WARM_UP) continue;
    for (const segment of SEGMENTS) perTurn[kind].get(segment)?.push((sums[segment] * 1_000) / TURN);
  }
}

const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const at = (values: readonly number[], fraction: number) => sorted(values)[Math.floor(values.length * fraction)] ?? Number.NaN;
const summary = (values: readonly number[]) => `${at(values, 0.5).toFixed(2)} [${at(values, 0.25).toFixed(2)}-${at(values, 0.75).toFixed(2)}]`;
for (const kind of ['baseline', 'wirestate'] as const) {
  console.log(`${codec} ${kind}: ${SEGMENTS.map((segment) => `${LABELS[segment]} ${summary(perTurn[kind].get(segment) ?? [])}`).join(', ')} µs`);
}
const differences = SEGMENTS.map((segment) => {
  const base = perTurn.baseline.get(segment) ?? [];
  return `${LABELS[segment]} ${summary((perTurn.wirestate.get(segment) ?? []).map((value, index) => value - (base[index] ?? Number.NaN)))}`;
});
console.log(`${codec} wirestate minus baseline, per turn: ${differences.join(', ')} µs`);
await clients.baseline.close();
await clients.wirestate.close();
await server.stop();
