/**
 * One throughput case, baseline against wirestate, for profiling a change:
 *
 *   node --import tsx bench/compare.ts <json|msgpack|bson> <small|large> <streams> [runs]
 *   node --cpu-prof --import tsx bench/compare.ts msgpack small 100
 */
import type { BenchCodec } from './clients.js';
import type { PayloadSize } from './payloads.js';
import { BenchServer } from './server-control.js';
import { pairedRatio, runThroughput } from './throughput.js';

const codec = (process.argv[2] ?? 'msgpack') as BenchCodec;
const size = (process.argv[3] ?? 'small') as PayloadSize;
const streams = Number(process.argv[4] ?? 100);
const runs = Number(process.argv[5] ?? 5);
const count = size === 'small' ? 200_000 : 50_000;
const server = await BenchServer.start();
try {
  const { results } = await runThroughput(server, [{ codec, size, streams, counts: { baseline: count, wirestate: count } }], runs, console.log);
  const result = results[0];
  if (result !== undefined) {
    console.log(
      `wirestate / baseline: ${pairedRatio(result.runs.wirestate, result.runs.baseline).toFixed(3)} by wall time, ` +
        `${pairedRatio(result.cpuRuns.wirestate, result.cpuRuns.baseline).toFixed(3)} by CPU time`,
    );
  }
} finally {
  await server.stop();
}
