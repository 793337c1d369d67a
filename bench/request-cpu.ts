/**
 * The client process's CPU time per request round trip over loopback, against the reference
 * server in a process of its own: the baseline (raw `ws`, ids correlated by hand) and a wirestate
 * session, both connected, taking turns of 500 sequential `ECHO` round trips (who goes first
 * alternates). CPU time (`process.cpuUsage`, user + system) counts the client's own work, the
 * kernel's share of the socket included, and not the time spent waiting for the server, so it
 * shows what wirestate adds per round trip with less of the wall clock's noise on a shared machine.
 *
 *   node --import tsx bench/request-cpu.ts [json|msgpack] [turns]
 */
import { openClient, type BenchClient } from './clients.js';
import { BenchServer } from './server-control.js';
import { median } from './stats.js';

const PARAMS = { symbol: 'BTCUSDT', side: 'buy', quantity: '0.01000000', price: '43000.12' };
const codec = (process.argv[2] ?? 'json') as 'json' | 'msgpack';
const turns = Number(process.argv[3] ?? 40);
const TURN = 500;
/** Turns that warm the JIT up and do not count. */
const WARM_UP = 4;

const server = await BenchServer.start();
try {
  const clients = {
    baseline: await openClient('baseline', { endpointUrl: server.endpointUrl, codec, streams: [], onData: () => {} }),
    wirestate: await openClient('wirestate', { endpointUrl: server.endpointUrl, codec, streams: [], onData: () => {} }),
  };
  const cpu = { baseline: [] as number[], wirestate: [] as number[] };
  const wall = { baseline: [] as number[], wirestate: [] as number[] };
  for (let turn = 0; turn < turns; turn++) {
    const order = turn % 2 === 0 ? (['baseline', 'wirestate'] as const) : (['wirestate', 'baseline'] as const);
    for (const kind of order) {
      const client: BenchClient = clients[kind];
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (let made = 0; made < TURN; made++) await client.request('ECHO', PARAMS);
      const used = process.cpuUsage(cpuBefore);
      if (turn < WARM_UP) continue;
      cpu[kind].push((used.user + used.system) / TURN);
      wall[kind].push(((performance.now() - started) * 1_000) / TURN);
    }
  }
  const extra = cpu.wirestate.map((value, index) => value - (cpu.baseline[index] ?? Number.NaN)).sort((a, b) => a - b);
  console.log(
    `${codec}: CPU per round trip baseline ${median(cpu.baseline).toFixed(1)} µs, wirestate ${median(cpu.wirestate).toFixed(1)} µs ` +
      `(wirestate's own: median ${median(extra).toFixed(2)} µs, turns ${extra[Math.floor(extra.length / 4)]?.toFixed(2)} to ${extra[Math.floor((extra.length * 3) / 4)]?.toFixed(2)} µs between the quartiles); ` +
      `mean wall time per round trip baseline ${median(wall.baseline).toFixed(1)} µs, wirestate ${median(wall.wirestate).toFixed(1)} µs`,
  );
  await clients.baseline.close();
  await clients.wirestate.close();
} finally {
  await server.stop();
}
