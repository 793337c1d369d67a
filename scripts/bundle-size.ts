/**
 * Measures the browser bundle of `wirestate` (src/index.ts, the browser entry): minified by esbuild
 * for the browser, then gzipped (level 9) with node:zlib, in three main ways (plus two that
 * explain them, see {@link BUNDLE_VARIANTS}):
 *
 * - `full`: everything bundled (our code, xstate, rxjs, @msgpack/msgpack, bson);
 * - `codecs`: xstate and rxjs external (as peers an app already has): our code and the codecs;
 * - `own`: every dependency external: our own code only.
 *
 * Run `npx tsx scripts/bundle-size.ts` to print the table, `--write` to also write docs/bundle-size.md.
 * test/bundle-size.test.ts keeps `own` under its budget.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The runtime dependencies of the browser entry, in the order the table names them. */
const DEPENDENCIES = ['xstate', 'rxjs', '@msgpack/msgpack', 'bson'] as const;

/**
 * The ways the bundle is measured: the three of the table, and two that explain it (what an app
 * importing only `createSession` gets after tree shaking, and what bson alone adds).
 */
export const BUNDLE_VARIANTS = {
  full: { label: 'everything bundled', external: [], entry: 'all' },
  codecs: { label: 'xstate and rxjs external (our code + codecs)', external: ['xstate', 'rxjs'], entry: 'all' },
  own: { label: 'every dependency external (our code only)', external: [...DEPENDENCIES], entry: 'all' },
  ownSessionOnly: { label: 'our code only, an app importing just `createSession` (tree-shaken)', external: [...DEPENDENCIES], entry: 'createSession' },
  withoutBson: { label: 'xstate, rxjs and bson external (our code + msgpack)', external: ['xstate', 'rxjs', 'bson'], entry: 'all' },
} as const satisfies Record<string, { label: string; external: readonly string[]; entry: 'all' | 'createSession' }>;

/** The variants of the main table. */
const TABLE_VARIANTS = ['full', 'codecs', 'own'] as const;

export type BundleVariant = keyof typeof BUNDLE_VARIANTS;

/** One measured bundle. */
export interface BundleSize {
  readonly variant: BundleVariant;
  /** Minified bytes. */
  readonly minifiedBytes: number;
  /** Gzipped bytes (level 9) of the minified bundle. */
  readonly gzipBytes: number;
  /** Minified bytes in the output per package (`wirestate` for our own code). */
  readonly minifiedByPackage: Readonly<Record<string, number>>;
}

/** Which package a bundled input belongs to: its node_modules package, else our own code. */
function packageOf(inputPath: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(inputPath);
  return match?.[1] ?? 'wirestate';
}

function byPackage(metafile: Metafile): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [inputPath, input] of Object.entries(output.inputs)) {
      const name = packageOf(inputPath);
      totals[name] = (totals[name] ?? 0) + input.bytesInOutput;
    }
  }
  return totals;
}

/** Bundles src/index.ts for the browser as `variant` says and measures it. */
export async function measureBundle(variant: BundleVariant): Promise<BundleSize> {
  const { external, entry } = BUNDLE_VARIANTS[variant];
  const result = await build({
    ...(entry === 'all'
      ? { entryPoints: [join(repoRoot, 'src/index.ts')] }
      : { stdin: { contents: "export { createSession } from './src/index.ts';", resolveDir: repoRoot, loader: 'ts', sourcefile: 'app.ts' } }),
    absWorkingDir: repoRoot,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    external: [...external],
    write: false,
    metafile: true,
    outdir: join(repoRoot, 'dist-bundle-size'),
    logLevel: 'silent',
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'));
  if (code === undefined) throw new Error('esbuild produced no JavaScript output');
  return {
    variant,
    minifiedBytes: code.contents.byteLength,
    gzipBytes: gzipSync(code.contents, { level: 9 }).byteLength,
    minifiedByPackage: byPackage(result.metafile),
  };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function version(name: string): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** The table of the three variants, as Markdown. */
export function sizeTable(sizes: readonly BundleSize[]): string {
  const rows = sizes.map((size) => `| \`${size.variant}\` | ${BUNDLE_VARIANTS[size.variant].label} | ${kib(size.minifiedBytes)} | **${kib(size.gzipBytes)}** (${size.gzipBytes} B) |`);
  return ['| variant | what is bundled | minified | minified + gzip |', '|---|---|---:|---:|', ...rows].join('\n');
}

function packageLabel(name: string): string {
  if (name === 'wirestate') return 'wirestate (src/)';
  // rxjs's own helper library, not a dependency of ours.
  return name === 'tslib' ? `tslib ${version(name)} (used by rxjs)` : `${name} ${version(name)}`;
}

/** Where the minified bytes of the full bundle come from, as Markdown. */
export function shareTable(full: BundleSize): string {
  const total = Object.values(full.minifiedByPackage).reduce((sum, bytes) => sum + bytes, 0);
  const rows = Object.entries(full.minifiedByPackage)
    .sort(([, a], [, b]) => b - a)
    .map(([name, bytes]) => `| ${packageLabel(name)} | ${kib(bytes)} | ${Math.round((bytes / total) * 100)} % |`);
  return ['| package | minified bytes in the full bundle | share |', '|---|---:|---:|', ...rows].join('\n');
}

function documentation(sizes: readonly BundleSize[]): string {
  const get = (variant: BundleVariant) => sizes.find((size) => size.variant === variant) as BundleSize;
  const full = get('full');
  const codecs = get('codecs');
  const own = get('own');
  const sessionOnly = get('ownSessionOnly');
  const withoutBson = get('withoutBson');
  return `# Bundle size

What \`import { createSession } from 'wirestate'\` costs a browser app. Measured by
\`npx tsx scripts/bundle-size.ts --write\` (which writes this page): the browser entry
\`src/index.ts\` bundled by esbuild ${version('esbuild')} for the browser (ESM, ES2022, minified),
then gzipped at level 9. The entry never pulls in \`ws\` or a Node built-in
(\`test/bundle.test.ts\` checks that). Sizes in KiB (1,024 bytes).

${sizeTable(sizes.filter((size) => (TABLE_VARIANTS as readonly string[]).includes(size.variant)))}

- **\`own\`**: wirestate's own code only (the machine, streams, protocols, transport, codec
  adapters, session facade, error classes), with every export of \`src/index.ts\`.
  An app that imports only \`createSession\` still gets ${kib(sessionOnly.gzipBytes)} gzip of it after tree shaking,
  since the session uses the machine, the codecs and the protocol.
  \`test/bundle-size.test.ts\` keeps it under a budget.
- **\`codecs\`**: our code plus both binary codecs, bundled as ordinary dependencies.
  They add ${kib(codecs.gzipBytes - own.gzipBytes)} gzip: bson ${kib(codecs.gzipBytes - withoutBson.gzipBytes)}, @msgpack/msgpack ${kib(withoutBson.gzipBytes - own.gzipBytes)}.
- **\`full\`**: what an app that has neither xstate nor rxjs yet pays.
  xstate and rxjs add ${kib(full.gzipBytes - codecs.gzipBytes)} gzip (the floor the issue names is about 20 KB).

## Where the bytes come from

Minified bytes per package in the \`full\` bundle (before gzip, which compresses each differently):

${shareTable(full)}

**bson is the largest part of the full bundle.** Every session can negotiate any of the three
codecs, so all three are bundled whether or not the server ever selects BSON; an app that never
uses BSON still pays for it. Loading codecs on demand, or letting the app pass in the codecs it
wants, would take it out; that is a change to the codecs layer, not made here.

**Our own code is above the 8 KB gzip the issue aims for.** Its largest parts are the session
machine (the chart with its guards and actions), the stream registry, option validation, the
balancer call, request correlation and the error classes; the error and option messages are long
on purpose (they say what to do). The test's budget sits just above the measured figure so that
growth is noticed; it records the real number, not the aim.
`;
}

async function main(): Promise<void> {
  const sizes = await Promise.all((Object.keys(BUNDLE_VARIANTS) as BundleVariant[]).map((variant) => measureBundle(variant)));
  console.log(sizeTable(sizes));
  console.log();
  console.log(shareTable(sizes.find((size) => size.variant === 'full') as BundleSize));
  if (process.argv.includes('--write')) {
    const path = join(repoRoot, 'docs/bundle-size.md');
    writeFileSync(path, documentation(sizes));
    console.log(`\nwrote ${path}`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
