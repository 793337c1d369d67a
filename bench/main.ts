/**
 * `npm run bench`: throughput, request latency, end-to-end latency, memory and reconnect benchmarks of wirestate against a raw
 * `ws` baseline and RxJS `webSocket().multiplex()`, and throughput in Chromium against a raw WebSocket, written to docs/benchmarks.md.
 *
 *   npm run bench                       full run (about 6 minutes), writes docs/benchmarks.md
 *   npm run bench -- --quick            smaller bursts and fewer runs (about a minute), prints only
 *   npm run bench -- --only throughput,memory --out /tmp/bench.md
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchCodec } from './clients.js';
import { runBrowser } from './browser.js';
import { messageSizes, readEnvironment } from './environment.js';
import { runLatency } from './latency.js';
import { runGrowth, runIdleMemory } from './memory.js';
import { runReconnect } from './reconnect.js';
import { renderReport, type BenchReport } from './report.js';
import { BenchServer } from './server-control.js';
import { injectedStall, runTailLatency } from './tail-latency.js';
import { runThroughput, type ThroughputCase } from './throughput.js';

const SECTIONS = ['throughput', 'browser', 'latency', 'tail', 'memory', 'reconnect'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `Usage: npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--out <file>]
  --quick   smaller bursts, fewer runs; prints the report instead of writing docs/benchmarks.md
  --only    run only these sections (comma-separated)
  --out     write the report to this file (default docs/benchmarks.md for a full run of every section)`;

interface BenchOptions {
  readonly quick: boolean;
  readonly sections: ReadonlySet<Section>;
  readonly out: string | undefined;
}

function parseArgs(argv: readonly string[]): BenchOptions | undefined {
  let quick = false;
  let sections: Set<Section> = new Set(SECTIONS);
  let out: string | undefined;
  let only = false;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--quick') quick = true;
    else if (argument === '--only') {
      const names = (argv[++index] ?? '').split(',').filter((name) => name !== '');
      if (names.length === 0 || !names.every((name) => (SECTIONS as readonly string[]).includes(name))) throw new Error(`--only takes ${SECTIONS.join(', ')}.`);
      sections = new Set(names as Section[]);
      only = true;
    } else if (argument === '--out') out = argv[++index];
    else if (argument === '--help') return undefined;
    else throw new Error(`Unknown argument ${String(argument)}.\n${USAGE}`);
  }
  const defaultOut = quick || only ? undefined : fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
  return { quick, sections, out: out ?? defaultOut };
}

/** The throughput cases: every codec and size at 100 streams, and JSON trades at 1, 100 and 10,000 streams against multiplex. */
function throughputCases(quick: boolean): ThroughputCase[] {
  const scale = quick ? 0.25 : 1;
  const small = Math.round(200_000 * scale);
  const large = Math.round(50_000 * scale);
  const cases: ThroughputCase[] = [];
  for (const codec of ['json', 'msgpack', 'bson'] as const satisfies readonly BenchCodec[]) {
    cases.push({ codec, size: 'small', streams: 100, counts: codec === 'json' ? { baseline: small, wirestate: small, rxjs: Math.round(small / 2) } : { baseline: small, wirestate: small } });
    cases.push({ codec, size: 'large', streams: 100, counts: { baseline: large, wirestate: large } });
  }
  cases.push({ codec: 'json', size: 'small', streams: 1, counts: { baseline: small, wirestate: small, rxjs: small } });
  // multiplex() takes quadratic time to subscribe 10,000 streams (each SUBSCRIBE answer passes every
  // filter): about 10 s per run here, so this case has fewer runs and relies on the earlier ones' warm-up.
  cases.push({
    codec: 'json',
    size: 'small',
    streams: 10_000,
    counts: { baseline: small, wirestate: small, rxjs: Math.round(10_000 * scale) },
    runs: quick ? 1 : 3,
    warmUp: false,
  });
  return cases;
}

/** Niceness the benchmark asks for, so other processes on the machine disturb it less. */
const NICENESS = -10;

/**
 * Runs this process (and so the server and memory processes it starts, which inherit it) at a
 * higher priority when the system allows it; returns the niceness set, or undefined.
 */
function raisePriority(): number | undefined {
  try {
    setPriority(NICENESS);
    return NICENESS;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const started = performance.now();
  const niceness = raisePriority();
  const environment = readEnvironment();
  const log = (line: string) => process.stderr.write(`[${((performance.now() - started) / 1_000).toFixed(0).padStart(4)}s] ${line}\n`);
  const runs = options.quick ? 3 : 5;
  const run = (section: Section) => options.sections.has(section);
  log(`load average ${environment.loadAverage.map((value) => value.toFixed(2)).join(' ')}, ${environment.cpuCount} CPUs, nice ${niceness ?? 'unchanged'}`);

  const server = await BenchServer.start();
  let report: BenchReport;
  try {
    const throughput = run('throughput') ? await runThroughput(server, throughputCases(options.quick), runs, log) : undefined;
    const browserOptions = { streams: 100, count: options.quick ? 20_000 : 50_000, runs };
    const browser = run('browser') ? await runBrowser(server, browserOptions, log) : undefined;
    const latency = run('latency') ? await runLatency(server, ['json', 'msgpack'], options.quick ? 500 : 2_000, options.quick ? 3 : 9, log) : undefined;
    const tailLoad = { streams: 100, ratePerSecond: 5_000, durationMs: options.quick ? 12_000 : 32_000, warmUpMs: 2_000, blockMs: 1_000, processesPerKind: 1 };
    const tailLatency = run('tail') ? await runTailLatency(server, ['json', 'msgpack'], tailLoad, log) : undefined;
    const stall = injectedStall();
    const reconnectRate = 200_000;
    const reconnect = run('reconnect') ? await runReconnect(server, 10_000, reconnectRate, options.quick ? 1 : 3, log) : undefined;
    const idleMemory = run('memory')
      ? [
          ...(await runIdleMemory(['baseline', 'wirestate'], 100_000, log)),
          ...(await runIdleMemory(['rxjs'], 10_000, log)),
        ]
      : undefined;
    const growth = run('memory') ? await runGrowth(options.quick ? 200_000 : 1_000_000, log) : undefined;
    report = {
      date: new Date().toISOString().slice(0, 10),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      quick: options.quick,
      durationMs: performance.now() - started,
      environment,
      loadAverageAtEnd: loadavg(),
      messageSizes: messageSizes(),
      runs,
      niceness,
      ...(throughput === undefined ? {} : { throughput }),
      ...(browser === undefined ? {} : { browser }),
      ...(latency === undefined ? {} : { latency }),
      ...(tailLatency === undefined ? {} : { tailLatency: { results: tailLatency, load: tailLoad, ...(stall === undefined ? {} : { injectedStall: stall }) } }),
      ...(idleMemory === undefined ? {} : { idleMemory }),
      ...(growth === undefined ? {} : { growth }),
      ...(reconnect === undefined ? {} : { reconnect: { results: reconnect, ratePerSecond: reconnectRate } }),
    };
  } finally {
    await server.stop();
  }
  const markdown = renderReport(report);
  if (options.out === undefined) process.stdout.write(markdown);
  else {
    // The browser bench (bench/shared-tabs.ts) owns a marked section of the same page: kept as it was.
    const kept = existsSync(options.out) ? /<!-- shared-tabs:start -->[\s\S]*<!-- shared-tabs:end -->/.exec(readFileSync(options.out, 'utf8'))?.[0] : undefined;
    writeFileSync(options.out, kept === undefined ? markdown : `${markdown.trimEnd()}\n\n${kept}\n`);
    log(`wrote ${options.out}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
