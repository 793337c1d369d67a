import { BenchServer } from './server-control.js';
import { runThroughput } from './throughput.js';
const codec = (process.argv[2] ?? 'msgpack') as 'msgpack';
const size = (process.argv[3] ?? 'small') as 'small';
const streams = Number(process.argv[4] ?? 100);
const count = size === 'small' ? 200_000 : 50_000;
const server = await BenchServer.start();
try {
  const { results } = await runThroughput(server, [{ codec, size, streams, counts: { baseline: count, wirestate: count } }], Number(process.argv[5] ?? 5), console.log);
  const r = results[0]!;
  console.log('ratio', (r.cpuRates.wirestate! / r.cpuRates.baseline!).toFixed(3), 'cpu', JSON.stringify(r.cpuRates),  (r.rates.wirestate! / r.rates.baseline!).toFixed(3), JSON.stringify(r.runs, (k, v) => typeof v === 'number' ? Math.round(v) : v));
} finally { await server.stop(); }
