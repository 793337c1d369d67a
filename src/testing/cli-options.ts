/**
 * Reads test-server options from command-line arguments and environment variables, for the
 * `wirestate-test-server` bin (`cli.ts`). Pure: no I/O.
 */
import type { CodecName } from '../codecs/codec.js';
import { isCodecName } from '../codecs/index.js';
import type { MarketSimulatorOptions } from './market-simulator.js';
import type { TestServerOptions } from './options.js';

/** Environment variables are named `WIRESTATE_SERVER_` + the flag in upper snake case (`--heartbeat-ms` → `WIRESTATE_SERVER_HEARTBEAT_MS`). */
export const ENV_PREFIX = 'WIRESTATE_SERVER_';

type Kind = 'number' | 'boolean' | 'string' | 'list';

/** Every flag, its type and what it sets. */
const FLAGS = {
  dialect: 'string',
  host: 'string',
  port: 'number',
  path: 'string',
  codecs: 'list',
  'require-version': 'boolean',
  'heartbeat-ms': 'number',
  'ping-frames': 'boolean',
  'init-timeout-ms': 'number',
  'resume-window-ms': 'number',
  'replay-buffer-size': 'number',
  'idle-timeout-ms': 'number',
  'max-lifetime-ms': 'number',
  'max-message-bytes': 'number',
  'max-buffered-bytes': 'number',
  'max-recorded-packets': 'number',
  location: 'string',
  'balancer-endpoint': 'string',
  licenses: 'list',
  tokens: 'list',
  users: 'list',
  'auth-required': 'boolean',
  'simulate-rate': 'number',
  'simulate-symbols': 'list',
  'simulate-kinds': 'list',
  'simulate-tick-ms': 'number',
  stdin: 'string',
  help: 'boolean',
} as const satisfies Record<string, Kind>;

type Flag = keyof typeof FLAGS;
type FlagValue = string | number | boolean | string[];

/** What the CLI runs: server options, an optional simulator, and how to treat stdin. */
export interface CliConfig {
  readonly server: TestServerOptions;
  readonly simulator: MarketSimulatorOptions | undefined;
  /** `watch` (default): stdin takes JSON-line commands and its end shuts the server down. `ignore`: neither. */
  readonly stdin: 'watch' | 'ignore';
  readonly help: boolean;
}

/** Usage text printed by `--help`. */
export const CLI_USAGE = `Usage: wirestate-test-server [--flag value | --flag=value | --flag | --no-flag] ...
Starts the wirestate reference test server and prints {"balancerUrl","endpointUrl","port","pid"} as one JSON line.
Flags (also from env ${ENV_PREFIX}<FLAG_IN_UPPER_SNAKE>, flags win):
  ${Object.keys(FLAGS).join(', ')}
Lists are comma-separated; users are user:password pairs. --simulate-rate starts the market simulator.
Stops on SIGTERM, SIGINT, or when stdin ends (unless --stdin=ignore). While running, stdin takes JSON
lines: {"command":"publish","stream":"s","data":{},"count":1}, {"command":"stats"},
{"command":"simulate","ratePerSecond":1000}, {"command":"stopSimulation"},
{"command":"fault","name":"dropConnection","args":["all"]}, {"command":"close"}.`;

function isFlag(name: string): name is Flag {
  return Object.hasOwn(FLAGS, name);
}

function convert(flag: Flag, raw: string): FlagValue {
  switch (FLAGS[flag] as Kind) {
    case 'number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) throw new Error(`--${flag} needs a number, got "${raw}".`);
      return value;
    }
    case 'boolean':
      if (raw === 'true' || raw === '1' || raw === '') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new Error(`--${flag} needs true or false, got "${raw}".`);
    case 'list':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
    case 'string':
      return raw;
  }
}

function envName(flag: Flag): string {
  return ENV_PREFIX + flag.toUpperCase().replace(/-/g, '_');
}

/** Collects flag values: env first, then argv (later wins). Throws on unknown flags and bad values. */
function collect(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Map<Flag, FlagValue> {
  const values = new Map<Flag, FlagValue>();
  for (const flag of Object.keys(FLAGS) as Flag[]) {
    const raw = env[envName(flag)];
    if (raw !== undefined) values.set(flag, convert(flag, raw));
  }
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] as string;
    if (!argument.startsWith('--')) throw new Error(`Unexpected argument "${argument}". ${CLI_USAGE}`);
    const body = argument.slice(2);
    const equals = body.indexOf('=');
    let name = equals === -1 ? body : body.slice(0, equals);
    let raw = equals === -1 ? undefined : body.slice(equals + 1);
    if (raw === undefined && name.startsWith('no-') && isFlag(name.slice(3)) && FLAGS[name.slice(3) as Flag] === 'boolean') {
      name = name.slice(3);
      raw = 'false';
    }
    if (!isFlag(name)) throw new Error(`Unknown flag --${name}. ${CLI_USAGE}`);
    if (raw === undefined) {
      const next = argv[index + 1];
      if (FLAGS[name] === 'boolean' && (next === undefined || next.startsWith('--'))) raw = 'true';
      else if (next === undefined) throw new Error(`--${name} needs a value.`);
      else {
        raw = next;
        index++;
      }
    }
    values.set(name, convert(name, raw));
  }
  return values;
}

function parseUsers(pairs: readonly string[]): Record<string, string> {
  const users: Record<string, string> = {};
  for (const pair of pairs) {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new Error(`--users needs user:password pairs, got "${pair}".`);
    users[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return users;
}

/**
 * Builds the CLI configuration.
 *
 * @example
 * ```ts
 * parseCliConfig(['--port', '8080', '--heartbeat-ms=5000', '--no-ping-frames'], {});
 * // { server: { port: 8080, heartbeatMs: 5000, pingFrames: false }, simulator: undefined, stdin: 'watch', help: false }
 * ```
 */
export function parseCliConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliConfig {
  const values = collect(argv, env);
  const get = <T extends FlagValue>(flag: Flag): T | undefined => values.get(flag) as T | undefined;
  const codecs = get<string[]>('codecs');
  if (codecs !== undefined && !codecs.every(isCodecName)) throw new Error(`--codecs takes json, msgpack and bson, got "${codecs.join(',')}".`);
  const licenses = get<string[]>('licenses');
  const tokens = get<string[]>('tokens');
  const users = get<string[]>('users');
  const authRequired = get<boolean>('auth-required');
  const auth =
    licenses !== undefined || tokens !== undefined || users !== undefined || authRequired !== undefined
      ? {
          ...(licenses !== undefined ? { licenses } : {}),
          ...(tokens !== undefined ? { tokens } : {}),
          ...(users !== undefined ? { users: parseUsers(users) } : {}),
          ...(authRequired !== undefined ? { required: authRequired } : {}),
        }
      : undefined;
  const dialect = get<string>('dialect');
  if (dialect !== undefined && dialect !== 'reference' && dialect !== 'plain-streams') {
    throw new Error(`--dialect takes reference or plain-streams, got "${dialect}".`);
  }
  const server: Record<string, unknown> = {
    dialect,
    host: get('host'),
    port: get('port'),
    path: get('path'),
    codecs: codecs as CodecName[] | undefined,
    requireVersion: get('require-version'),
    heartbeatMs: get('heartbeat-ms'),
    pingFrames: get('ping-frames'),
    initTimeoutMs: get('init-timeout-ms'),
    resumeWindowMs: get('resume-window-ms'),
    replayBufferSize: get('replay-buffer-size'),
    idleTimeoutMs: get('idle-timeout-ms'),
    maxLifetimeMs: get('max-lifetime-ms'),
    maxMessageBytes: get('max-message-bytes'),
    maxBufferedBytes: get('max-buffered-bytes'),
    maxRecordedPackets: get('max-recorded-packets'),
    location: get('location'),
    balancerEndpoint: get('balancer-endpoint'),
    auth,
  };
  for (const key of Object.keys(server)) if (server[key] === undefined) delete server[key];
  const rate = get<number>('simulate-rate');
  const symbols = get<string[]>('simulate-symbols');
  const kinds = get<string[]>('simulate-kinds');
  if (kinds !== undefined && !kinds.every((kind) => kind === 'trade' || kind === 'depth')) {
    throw new Error(`--simulate-kinds takes trade and depth, got "${kinds.join(',')}".`);
  }
  const tickMs = get<number>('simulate-tick-ms');
  const simulator: MarketSimulatorOptions | undefined =
    rate === undefined
      ? undefined
      : {
          ratePerSecond: rate,
          ...(symbols !== undefined ? { symbols } : {}),
          ...(kinds !== undefined ? { kinds: kinds as ('trade' | 'depth')[] } : {}),
          ...(tickMs !== undefined ? { tickMs } : {}),
        };
  const stdin = get<string>('stdin') ?? 'watch';
  if (stdin !== 'watch' && stdin !== 'ignore') throw new Error(`--stdin takes watch or ignore, got "${stdin}".`);
  return { server: server as TestServerOptions, simulator, stdin, help: get<boolean>('help') ?? false };
}
