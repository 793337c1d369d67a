/** What the benchmark ran on: machine, Node, package versions, payload sizes. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BsonCodec } from '../src/codecs/bson.js';
import { JsonCodec } from '../src/codecs/json.js';
import { MsgpackCodec } from '../src/codecs/msgpack.js';
import { payloadPool, type PayloadSize } from './payloads.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The machine and software of a run. */
export interface Environment {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly packages: Readonly<Record<string, string>>;
  readonly loadAverage: readonly number[];
}

function packageVersion(name: string): string {
  const path = name === 'wirestate' ? `${ROOT}package.json` : `${ROOT}node_modules/${name}/package.json`;
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

/** Reads the environment now. */
export function readEnvironment(): Environment {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cpuCount: processors.length,
    memoryGiB: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    node: process.version,
    packages: Object.fromEntries(['wirestate', 'ws', 'rxjs', 'xstate', '@msgpack/msgpack', 'bson', 'tsx'].map((name) => [name, packageVersion(name)])),
    loadAverage: loadavg(),
  };
}

/** Encoded size of a typical stream message (`{stream, data, seq}`) per codec and payload size. */
export function messageSizes(): Record<PayloadSize, Record<'json' | 'msgpack' | 'bson', number>> {
  const codecs = { json: new JsonCodec(), msgpack: new MsgpackCodec(), bson: new BsonCodec() };
  const sizes = {} as Record<PayloadSize, Record<'json' | 'msgpack' | 'bson', number>>;
  for (const size of ['small', 'large'] as const) {
    const packet = { stream: 'bench.42', data: payloadPool(size)[0], seq: 123_456 };
    const row = {} as Record<'json' | 'msgpack' | 'bson', number>;
    for (const [name, codec] of Object.entries(codecs) as ['json' | 'msgpack' | 'bson', JsonCodec | MsgpackCodec | BsonCodec][]) {
      const frame = codec.encode(packet);
      row[name] = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.byteLength;
    }
    sizes[size] = row;
  }
  return sizes;
}
