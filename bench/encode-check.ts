/**
 * `npx tsx bench/encode-check.ts`: what the pre-send check of `findUnencodable` adds to encoding a
 * request, per codec, for a small request (ECHO with a trade), a 20-level depth update, and a
 * subscribe packet of 1,000 names. Printed as the ratio of `encodePacket` (check + encode) to
 * `codec.encode` alone, both measured in the same run, alternating, best of several rounds.
 */
import { performance } from 'node:perf_hooks';
import { CODEC_NAMES, createCodec, encodePacket } from '../src/codecs/index.js';
import { payloadPool } from './payloads.js';

const ROUNDS = 7;
const ITERATIONS = 20_000;

function timeOf(run: () => void, iterations: number): number {
  const start = performance.now();
  for (let index = 0; index < iterations; index++) run();
  return performance.now() - start;
}

const packets = {
  'small request': { id: 1, method: 'ECHO', params: payloadPool('small')[0] },
  'depth update': { id: 2, method: 'ECHO', params: payloadPool('large')[0] },
  'subscribe x1000': { id: 3, method: 'SUBSCRIBE', params: Array.from({ length: 1000 }, (_, index) => `bench.${index}`) },
};

console.log('| codec | packet | encode (µs) | check + encode (µs) | ratio |');
console.log('|---|---|---|---|---|');
for (const name of CODEC_NAMES) {
  const codec = createCodec(name);
  for (const [label, packet] of Object.entries(packets)) {
    const iterations = label.startsWith('subscribe') ? ITERATIONS / 20 : ITERATIONS;
    let plain = Infinity;
    let checked = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      plain = Math.min(plain, timeOf(() => codec.encode(packet), iterations));
      checked = Math.min(checked, timeOf(() => encodePacket(codec, packet), iterations));
    }
    const micro = (ms: number) => ((ms * 1000) / iterations).toFixed(2);
    console.log(`| ${name} | ${label} | ${micro(plain)} | ${micro(checked)} | ${(checked / plain).toFixed(2)} |`);
  }
}
