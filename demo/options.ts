/**
 * Command-line options of the demo (`npm run demo -- --help`). Pure: no I/O.
 */
import type { CodecName } from '../src/node.js';

/** When the injected faults happen, in ms from the start. */
export interface FaultPlan {
  /** A drop without close frame (the TCP connection is cut). */
  readonly dropAtMs: number;
  /** How long the "network" stays down after the drop: the reconnect's handshake is held this long. */
  readonly outageMs: number;
  /** A server restart: every session forgotten, connections closed with 1012. */
  readonly restartAtMs: number;
  /** In an endless run the plan repeats every this many ms. */
  readonly cycleMs: number;
}

/** What the demo runs. */
export interface DemoOptions {
  /** Run time in ms; `Infinity` runs until Ctrl-C. @default 20_000 */
  readonly durationMs: number;
  /** Connect through this balancer instead of starting a local server (then no faults are injected). */
  readonly balancer?: string;
  /** Connect to this endpoint instead of starting a local server (then no faults are injected). */
  readonly endpoint?: string;
  /** The codec offered first. @default 'msgpack' */
  readonly codec: CodecName;
  /** Streams to observe. @default 20 symbols × trade and depth (40 streams) */
  readonly streams: readonly string[];
  /** Messages per second the local simulator publishes across all streams. @default 2_000 */
  readonly ratePerSecond: number;
  /** Faults to inject into the local server; undefined with `--no-faults` or a remote server. */
  readonly faults: FaultPlan | undefined;
  /** A license for servers that require authorization (remote servers only). */
  readonly license?: string;
  /** A bearer token for servers that require authorization (remote servers only). */
  readonly token?: string;
  /** Live view in place (TTY) or a summary line every `summaryEveryMs` (anything else). @default auto */
  readonly view: 'live' | 'lines' | 'auto';
  /** Interval of the summary lines when not on a TTY. @default 2_000 */
  readonly summaryEveryMs: number;
  /** Serve the devtools page for the demo's session (`--devtools`), on this port (0: a free one). Undefined without the flag. */
  readonly devtoolsPort?: number;
  readonly help: boolean;
}

/** Symbols of the default streams: each gets `@trade` and `@depth`. */
export const DEFAULT_SYMBOLS: readonly string[] = [
  'btcusdt', 'ethusdt', 'solusdt', 'bnbusdt', 'xrpusdt', 'adausdt', 'dogeusdt', 'trxusdt', 'dotusdt', 'linkusdt',
  'ltcusdt', 'avaxusdt', 'atomusdt', 'uniusdt', 'xlmusdt', 'etcusdt', 'filusdt', 'aptusdt', 'nearusdt', 'arbusdt',
];

/** The default streams: every default symbol's trades and depth updates. */
export const DEFAULT_STREAMS: readonly string[] = DEFAULT_SYMBOLS.flatMap((symbol) => [`${symbol}@trade`, `${symbol}@depth`]);

const DEFAULT_DURATION_MS = 20_000;
/** An endless run repeats its faults on this period. */
const ENDLESS_CYCLE_MS = 20_000;

export const DEMO_USAGE = `Usage: npm run demo -- [options]
A live demo of wirestate: a local reference server with simulated market data, one session through
its balancer (MessagePack), a drop without close frame and a server restart injected part-way.

  --duration <time>      how long to run: 20s (default), 1500ms, 2m, or "endless" (until Ctrl-C)
  --balancer <url>       use this balancer instead of a local server (no faults are injected)
  --endpoint <url>       use this ws(s) endpoint instead of a local server (no faults are injected)
  --codec <name>         msgpack (default), json or bson: the codec offered first
  --streams <n|list>     how many default streams (1-40), or a comma-separated list of names
  --rate <n>             messages per second of the local simulator (default 2000)
  --drop-at <time>       when to drop the connection (default 30% of the duration)
  --outage <time>        how long the network stays down after the drop (default 8%, at most 1.5s)
  --restart-at <time>    when to restart the server (default 65% of the duration)
  --no-faults            inject no fault
  --license <text>       license for a remote server that requires authorization
  --token <text>         bearer token for a remote server that requires authorization
  --view <mode>          live (redraw in place), lines (a summary line now and then), auto (default:
                         live on a terminal, lines otherwise)
  --summary-every <time> interval of the summary lines (default 2s)
  --devtools             serve the devtools page (state chart, event log, streams) for the session;
                         its address is printed at the start
  --devtools-port <n>    port of the devtools page (default: a free one; implies --devtools)
  --help                 this text

Exit code 0 when no message was lost or duplicated where none should be, 1 otherwise, 2 on bad options.`;

/**
 * Parses a time: `20s`, `1500ms`, `2m`, or a bare number of seconds.
 * @throws Error naming the flag when the text is not a time.
 */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (match === null) throw new Error(`--${flag} needs a time like 20s, 1500ms or 2m, got "${text}".`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? value : unit === 's' ? value * 1_000 : value * 60_000);
}

const VALUE_FLAGS = new Set([
  'duration', 'balancer', 'endpoint', 'codec', 'streams', 'rate', 'drop-at', 'outage', 'restart-at', 'license', 'token', 'view',
  'summary-every', 'devtools-port',
]);
const SWITCHES = new Set(['no-faults', 'help', 'devtools']);

function readFlags(argv: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    if (!argument.startsWith('--')) throw new Error(`Unexpected argument "${argument}"; see --help.`);
    const equals = argument.indexOf('=');
    const name = argument.slice(2, equals === -1 ? undefined : equals);
    if (SWITCHES.has(name)) {
      values.set(name, 'true');
      continue;
    }
    if (!VALUE_FLAGS.has(name)) throw new Error(`Unknown flag --${name}; see --help.`);
    const value = equals === -1 ? argv[++index] : argument.slice(equals + 1);
    if (value === undefined) throw new Error(`--${name} needs a value.`);
    values.set(name, value);
  }
  return values;
}

function parseStreams(text: string | undefined): readonly string[] {
  if (text === undefined) return DEFAULT_STREAMS;
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count < 1 || count > DEFAULT_STREAMS.length) throw new Error(`--streams takes 1 to ${DEFAULT_STREAMS.length} default streams, or a list of names.`);
    return DEFAULT_STREAMS.slice(0, count);
  }
  const names = [...new Set(text.split(',').map((name) => name.trim()).filter((name) => name.length > 0))];
  if (names.length === 0) throw new Error('--streams needs at least one stream name.');
  return names;
}

function parseCodec(text: string | undefined): CodecName {
  if (text === undefined) return 'msgpack';
  if (text !== 'msgpack' && text !== 'json' && text !== 'bson') throw new Error(`--codec takes msgpack, json or bson, got "${text}".`);
  return text;
}

function parseFaults(values: Map<string, string>, durationMs: number, remote: boolean): FaultPlan | undefined {
  if (values.has('no-faults') || remote) return undefined;
  const cycleMs = Number.isFinite(durationMs) ? durationMs : ENDLESS_CYCLE_MS;
  const time = (flag: string, fallback: number): number => {
    const text = values.get(flag);
    return text === undefined ? Math.round(fallback) : parseDuration(flag, text);
  };
  const plan = {
    dropAtMs: time('drop-at', cycleMs * 0.3),
    outageMs: time('outage', Math.min(1_500, cycleMs * 0.08)),
    restartAtMs: time('restart-at', cycleMs * 0.65),
    cycleMs,
  };
  if (plan.restartAtMs <= plan.dropAtMs + plan.outageMs) throw new Error('--restart-at must come after the drop and its outage.');
  return plan;
}

/**
 * Reads the demo's options from its arguments.
 *
 * @example
 * ```ts
 * parseDemoArgs(['--duration', '6s']).faults; // { dropAtMs: 1800, outageMs: 480, restartAtMs: 3900, cycleMs: 6000 }
 * ```
 * @throws Error with a message for the user on an unknown flag or a bad value.
 */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  const values = readFlags(argv);
  const durationText = values.get('duration');
  const durationMs = durationText === undefined ? DEFAULT_DURATION_MS : durationText === 'endless' ? Infinity : parseDuration('duration', durationText);
  if (durationMs <= 0) throw new Error('--duration must be longer than 0.');
  const balancer = values.get('balancer');
  const endpoint = values.get('endpoint');
  if (balancer !== undefined && endpoint !== undefined) throw new Error('Pass --balancer or --endpoint, not both.');
  if (balancer !== undefined && !/^https?:\/\//.test(balancer)) throw new Error(`--balancer needs an http(s) URL, got "${balancer}".`);
  if (endpoint !== undefined && !/^wss?:\/\//.test(endpoint)) throw new Error(`--endpoint needs a ws(s) URL, got "${endpoint}".`);
  const rate = Number(values.get('rate') ?? 2_000);
  if (!(rate > 0) || !Number.isFinite(rate)) throw new Error('--rate needs a positive number of messages per second.');
  const view = values.get('view') ?? 'auto';
  if (view !== 'live' && view !== 'lines' && view !== 'auto') throw new Error(`--view takes live, lines or auto, got "${view}".`);
  const summaryText = values.get('summary-every');
  const license = values.get('license');
  const token = values.get('token');
  const devtoolsPortText = values.get('devtools-port');
  const devtoolsPort = devtoolsPortText === undefined ? (values.has('devtools') ? 0 : undefined) : Number(devtoolsPortText);
  if (devtoolsPort !== undefined && (!Number.isInteger(devtoolsPort) || devtoolsPort < 0 || devtoolsPort > 65_535)) {
    throw new Error(`--devtools-port needs a port from 0 to 65535, got "${devtoolsPortText ?? ''}".`);
  }
  return {
    durationMs,
    ...(balancer === undefined ? {} : { balancer }),
    ...(endpoint === undefined ? {} : { endpoint }),
    codec: parseCodec(values.get('codec')),
    streams: parseStreams(values.get('streams')),
    ratePerSecond: rate,
    faults: parseFaults(values, durationMs, balancer !== undefined || endpoint !== undefined),
    ...(license === undefined ? {} : { license }),
    ...(token === undefined ? {} : { token }),
    view,
    summaryEveryMs: summaryText === undefined ? 2_000 : Math.max(100, parseDuration('summary-every', summaryText)),
    ...(devtoolsPort === undefined ? {} : { devtoolsPort }),
    help: values.has('help'),
  };
}
