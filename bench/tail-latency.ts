/**
 * End-to-end tail latency: the server stamps each message with the machine's monotonic clock just
 * before publishing it, at a steady rate over many streams, and each client records how long after
 * the stamp its observer got the message.
 *
 * Baseline and wirestate clients run at the same time, each in a process of its own (so one's
 * collections do not stall another), each on streams of its own (the same names but for a prefix);
 * the server publishes each message to every client in the same loop iteration, taking turns at
 * which goes first. A stall of the server or of the whole machine then delays the same messages for
 * every client, and a moment of the run is measured for both kinds at once. Measured one client
 * after the other, as this bench did before, each round's p99.9 rested on a handful of stalls that
 * the other client never met, and the ratio's interval spanned 0.8x to 2.8x.
 *
 * Much of this machine's tail is not shared, though: it is a virtual machine, and a process whose
 * CPU was idle waits for the host to wake it (two processes passing a datagram back and forth
 * every millisecond here: round trip p99.9 about 4 ms), which hits one process and not another.
 * Several processes per kind (`processesPerKind`) give each kind more independent draws of that wait
 * in the same time, but make the machine busier; the bench runs one.
 *
 * The p99.9 is taken over every message of every process of a kind after the warm-up; its ratio's
 * interval is a paired block bootstrap over time blocks (`bench/block-bootstrap.ts`).
 */
import { pairedBlockPercentileRatio, withoutWorstBlocks, type RatioInterval } from './block-bootstrap.js';
import { startAll } from './child-process.js';
import type { BenchCodec, ClientKind } from './clients.js';
import type { BenchServer } from './server-control.js';
import { percentile } from './stats.js';
import { TailClientProcess } from './tail-client-process.js';
import type { TailChildConfig } from './tail-child.js';

/** The load of the measurement: the 5,000 msg/s over 100 streams, to every client. */
export interface TailLatencyLoad {
  readonly streams: number;
  readonly ratePerSecond: number;
  /** How long the server publishes, warm-up included. */
  readonly durationMs: number;
  /** The first part of the flow, while the JIT warms up, that does not count. */
  readonly warmUpMs: number;
  /** The length of a bootstrap block, in time of the flow: long enough to hold whole stalls. */
  readonly blockMs: number;
  /** Client processes of each kind, running at once. */
  readonly processesPerKind: number;
}

/** Stamp-to-observer figures of one kind over every message of its processes after the warm-up, in microseconds. */
export interface TailPercentiles {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  /** Messages later than {@link LATE_MS}, over all processes of the kind. */
  readonly late: number;
}

/** The simultaneous measurement of one codec. */
export interface TailLatencyResult {
  readonly codec: BenchCodec;
  readonly baseline: TailPercentiles;
  readonly wirestate: TailPercentiles;
  /** Wirestate's p99.9 over the baseline's, with its 95% paired block-bootstrap interval. */
  readonly p999Ratio: RatioInterval;
  /** The p99.9 ratio without the block of either kind's longest delay ({@link withoutWorstBlocks}): the verdict must hold for it too. */
  readonly p999RatioWithoutWorst: number;
  /** Message numbers later than {@link LATE_MS} in every process: stalls that hit all clients. */
  readonly lateInAll: number;
  /** Messages per process that count (after the warm-up, whole blocks only). */
  readonly samplesPerProcess: number;
  readonly blocks: number;
}

/** What counts as a late message in the stall counts: about ten times a typical delay here. */
export const LATE_MS = 1;

/**
 * Set to `wirestate` or `baseline` (optionally `:<ms>:<every>`, default `:1:500`) to make that
 * kind's clients busy-wait `ms` after every `every`-th message: a check that the bench can tell a
 * slower tail, never for a real measurement.
 */
export const INJECTED_STALL_VARIABLE = 'WIRESTATE_BENCH_TAIL_STALL';

/** A stall injected into one kind's clients. */
export interface InjectedStall {
  readonly kind: ClientKind;
  readonly ms: number;
  readonly every: number;
}

const KINDS = ['baseline', 'wirestate'] as const satisfies readonly ClientKind[];
type TailKind = (typeof KINDS)[number];

/** The stall to inject, from the environment; undefined normally. */
export function injectedStall(): InjectedStall | undefined {
  const value = process.env[INJECTED_STALL_VARIABLE];
  if (value === undefined || value === '') return undefined;
  const [kind = '', ms = '1', every = '500'] = value.split(':');
  const stall = { kind: kind as ClientKind, ms: Number(ms), every: Number(every) };
  if (!(KINDS as readonly string[]).includes(kind) || !(stall.ms > 0) || !Number.isInteger(stall.every) || stall.every < 1) {
    throw new Error(`${INJECTED_STALL_VARIABLE} takes ${KINDS.join(' or ')}, optionally with :<ms>:<every>, not ${value}.`);
  }
  return stall;
}

/** Every client process's delays for one codec, indexed by message number, per kind. */
async function measureAtOnce(server: BenchServer, codec: BenchCodec, load: TailLatencyLoad, stall: InjectedStall | undefined): Promise<Record<TailKind, Float64Array[]>> {
  await server.command('reset');
  const messages = Math.floor((load.durationMs * load.ratePerSecond) / 1_000);
  // Interleaved (baseline, wirestate, baseline, …), so that the server's rotation of who goes first
  // alternates the kinds too.
  const configs: TailChildConfig[] = Array.from({ length: load.processesPerKind }, (_, index) =>
    KINDS.map((kind) => ({
      kind,
      codec,
      endpointUrl: server.endpointUrl,
      prefix: `tail-${kind}-${index}`,
      streams: load.streams,
      messages,
      ...(kind === stall?.kind ? { injectedStall: { ms: stall.ms, every: stall.every } } : {}),
    })),
  ).flat();
  const clients = await startAll(configs.map((config) => TailClientProcess.start(config)));
  try {
    await server.command('waitSubscribed', { count: load.streams, sessions: clients.length });
    await server.command('pairedStampedFlow', {
      streams: load.streams,
      prefixes: clients.map((client) => client.config.prefix),
      ratePerSecond: load.ratePerSecond,
      durationMs: load.durationMs,
    });
    const delays = await Promise.all(clients.map((client) => client.delays()));
    const ofKind = (kind: TailKind) => delays.filter((_, index) => clients[index]?.config.kind === kind);
    return { baseline: ofKind('baseline'), wirestate: ofKind('wirestate') };
  } finally {
    await Promise.all(clients.map((client) => client.stop()));
  }
}

/**
 * Consecutive time blocks of `size` message numbers after the first `skip`, each holding those
 * messages' delays from every process of a kind; a partial last block is left out.
 */
function blocksOf(processes: readonly Float64Array[], skip: number, size: number): Float64Array[] {
  const blocks: Float64Array[] = [];
  const length = processes[0]?.length ?? 0;
  for (let start = skip; start + size <= length; start += size) {
    const block = new Float64Array(size * processes.length);
    for (const [index, delays] of processes.entries()) block.set(delays.subarray(start, start + size), index * size);
    blocks.push(block);
  }
  return blocks;
}

function concatenated(blocks: readonly Float64Array[]): Float64Array {
  const all = new Float64Array(blocks.reduce((sum, block) => sum + block.length, 0));
  let offset = 0;
  for (const block of blocks) {
    all.set(block, offset);
    offset += block.length;
  }
  return all;
}

function percentilesOf(delays: Float64Array): TailPercentiles {
  return { p50: percentile(delays, 50), p99: percentile(delays, 99), p999: percentile(delays, 99.9), late: delays.filter((delay) => delay > LATE_MS * 1_000).length };
}

/** Message numbers in `[from, to)` late in every one of `processes`. */
function lateInEvery(processes: readonly Float64Array[], from: number, to: number): number {
  let count = 0;
  for (let message = from; message < to; message++) {
    if (processes.every((delays) => (delays[message] as number) > LATE_MS * 1_000)) count++;
  }
  return count;
}

/** wirestate's p99.9 over the baseline's without the block of either kind's longest delay (a point figure: only the verdict reads it). */
function ratioWithoutWorst(wirestateBlocks: readonly Float64Array[], baselineBlocks: readonly Float64Array[]): number {
  const trimmed = withoutWorstBlocks(wirestateBlocks, baselineBlocks);
  return percentile(concatenated(trimmed.numerator), 99.9) / percentile(concatenated(trimmed.denominator), 99.9);
}

/** `baseline p50 57 µs p99 140 µs p99.9 4000 µs, 120 late`, for the log. */
function describe(kind: ClientKind, figures: TailPercentiles): string {
  return `${kind} p50 ${figures.p50.toFixed(0)} µs p99 ${figures.p99.toFixed(0)} µs p99.9 ${figures.p999.toFixed(0)} µs, ${figures.late} late`;
}

/**
 * Measures every client at once per codec and reports, per kind, the p50, p99 and p99.9 over the
 * messages after the warm-up, and wirestate's p99.9 over the baseline's with its interval.
 */
export async function runTailLatency(server: BenchServer, codecs: readonly BenchCodec[], load: TailLatencyLoad, log: (line: string) => void): Promise<TailLatencyResult[]> {
  const stall = injectedStall();
  if (stall !== undefined) log(`tail latency: ${INJECTED_STALL_VARIABLE}: ${stall.kind} busy-waits ${stall.ms} ms after every ${stall.every}th message`);
  const results: TailLatencyResult[] = [];
  const skip = Math.floor((load.warmUpMs * load.ratePerSecond) / 1_000);
  const blockSize = Math.floor((load.blockMs * load.ratePerSecond) / 1_000);
  for (const codec of codecs) {
    const delays = await measureAtOnce(server, codec, load, stall);
    const baselineBlocks = blocksOf(delays.baseline, skip, blockSize);
    const wirestateBlocks = blocksOf(delays.wirestate, skip, blockSize);
    const samplesPerProcess = baselineBlocks.length * blockSize;
    const result: TailLatencyResult = {
      codec,
      baseline: percentilesOf(concatenated(baselineBlocks)),
      wirestate: percentilesOf(concatenated(wirestateBlocks)),
      p999Ratio: pairedBlockPercentileRatio(wirestateBlocks, baselineBlocks, 99.9),
      p999RatioWithoutWorst: ratioWithoutWorst(wirestateBlocks, baselineBlocks),
      lateInAll: lateInEvery([...delays.baseline, ...delays.wirestate], skip, skip + samplesPerProcess),
      samplesPerProcess,
      blocks: baselineBlocks.length,
    };
    results.push(result);
    const { ratio, low, high } = result.p999Ratio;
    log(
      `tail latency ${codec}: ${describe('baseline', result.baseline)}, ${describe('wirestate', result.wirestate)}, ${result.lateInAll} late in every process; ` +
        `p99.9 ratio ${ratio.toFixed(2)}x (95% ${low.toFixed(2)}-${high.toFixed(2)}, ${result.blocks} blocks), without the worst block ${result.p999RatioWithoutWorst.toFixed(2)}x`,
    );
  }
  return results;
}
