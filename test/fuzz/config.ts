import type fc from 'fast-check';

/**
 * Shared fast-check settings of the fuzz suite, read once from the environment:
 *
 * - `FC_RUNS`: runs of the fast (machine) properties; the real-server properties run a twentieth
 *   of it (at least their default), since each of their runs takes real time.
 * - `FC_SEED`, `FC_PATH` and `FC_REPLAY_PATH`: replay one failure exactly, as printed in the
 *   failure report (`{ seed: -1203, path: "14:2:0" }` and the counterexample's
 *   `/*replayPath="gD//r:d"*\/`). FC_SEED alone re-runs the same generation, so the same failure
 *   is found and shrunk again; with all three the shrunk counterexample runs at once.
 *
 * Every property prints its seed, and on failure the shrunk command sequence, through fast-check's
 * own report (`verbose` 1).
 */
function readInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}.`);
  return value;
}

const runsFromEnv = readInteger('FC_RUNS');
const seedFromEnv = readInteger('FC_SEED');
const pathFromEnv = process.env.FC_PATH?.trim() || undefined;
const commandsReplayPath = process.env.FC_REPLAY_PATH?.trim() || undefined;

if (runsFromEnv !== undefined && runsFromEnv < 1) throw new Error('FC_RUNS must be at least 1.');
if (pathFromEnv !== undefined && seedFromEnv === undefined) throw new Error('FC_PATH replays a failure only together with its FC_SEED.');

/** How expensive one run of a property is: `fast` runs are pure machine logic, `server` runs use real sockets. */
export type RunCost = 'fast' | 'server';

/** How much fewer runs a real-server property does than a fast one when FC_RUNS is given. */
const SERVER_RUN_DIVISOR = 20;

/** The number of runs for a property whose default is `defaultRuns`. */
export function fuzzRuns(defaultRuns: number, cost: RunCost = 'fast'): number {
  if (runsFromEnv === undefined) return defaultRuns;
  return cost === 'fast' ? runsFromEnv : Math.max(defaultRuns, Math.ceil(runsFromEnv / SERVER_RUN_DIVISOR));
}

/**
 * Options of `fc.commands` shared by the properties: the command-sequence replay path
 * (`FC_REPLAY_PATH`, printed as `/*replayPath="…"*\/` after a counterexample), which a replay of a
 * shrunk command sequence needs besides FC_SEED and FC_PATH.
 */
export function commandOptions(maxCommands: number): { maxCommands: number; size: 'medium'; replayPath?: string } {
  return { maxCommands, size: 'medium', ...(commandsReplayPath === undefined ? {} : { replayPath: commandsReplayPath }) };
}

/** True when a failure is being replayed (FC_SEED given). */
export const replaying = seedFromEnv !== undefined;

/**
 * fast-check parameters for one property: its runs, the replay seed and path when given, and a
 * report that names the seed, the path and the shrunk command sequence.
 */
export function fuzzParameters<T>(defaultRuns: number, cost: RunCost = 'fast'): fc.Parameters<T> {
  // A replayed path starts with the index of the failing run, which may lie beyond the default runs.
  const replayedRun = pathFromEnv === undefined ? 0 : Number(pathFromEnv.split(':')[0]) + 1;
  return {
    numRuns: Math.max(fuzzRuns(defaultRuns, cost), Number.isSafeInteger(replayedRun) ? replayedRun : 0),
    verbose: 1,
    ...(seedFromEnv === undefined ? {} : { seed: seedFromEnv }),
    ...(pathFromEnv === undefined ? {} : { path: pathFromEnv }),
  };
}

/**
 * A vitest timeout for a property of `runs` runs that each take up to `perRunMs`, with a floor of
 * the project's usual 20 s: FC_RUNS may raise the runs a hundredfold.
 */
export function fuzzTimeout(runs: number, perRunMs: number): number {
  return Math.max(20_000, runs * perRunMs + 10_000);
}
