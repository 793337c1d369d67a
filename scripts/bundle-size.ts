/**
 * Measures what wirestate costs a browser app: small apps that import from src/ the way an app
 * imports from the package, bundled by esbuild for the browser (ESM, ES2022, minified), then
 * gzipped (level 9) with node:zlib. See {@link BUNDLE_VARIANTS} for the apps.
 *
 * Run `npx tsx scripts/bundle-size.ts` to print the tables, `--write` to also write docs/bundle-size.md.
 * test/bundle-size.test.ts keeps the figures under the budgets of scripts/bundle-budgets.ts, and
 * test/package/consumer.test.ts checks the same budgets on the packed tarball.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type OutputFile } from 'esbuild';
import { CODEC_GLUE_BUDGET_BYTES, OWN_CODE_AIM_BYTES, OWN_CODE_BUDGET_BYTES, WHOLE_APP_AIM_BYTES, WHOLE_APP_BUDGET_BYTES } from './bundle-budgets.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The runtime dependencies an app may share with us: kept external to measure our own code. */
const PEERS = ['xstate', 'rxjs'] as const;

const JSON_APP = "import { createSession } from './src/index.ts';\nexport const session = createSession({ endpoint: 'wss://example.com/ws' });\n";
const MSGPACK_APP = "import { createSession } from './src/index.ts';\nimport { msgpack } from './src/msgpack.ts';\nexport const session = createSession({ endpoint: 'wss://example.com/ws', codecs: [msgpack(), 'json'] });\n";
const BSON_APP = "import { createSession } from './src/index.ts';\nimport { bson } from './src/bson.ts';\nexport const session = createSession({ endpoint: 'wss://example.com/ws', codecs: [bson(), 'json'] });\n";
const EVERYTHING = "export * from './src/index.ts';\nexport * from './src/msgpack.ts';\nexport * from './src/bson.ts';\n";

/** The apps measured, and what is left external in each. */
export const BUNDLE_VARIANTS = {
  app: { label: 'JSON-only app: `createSession`, xstate and rxjs bundled', app: JSON_APP, external: [] },
  own: { label: 'JSON-only app, xstate and rxjs external (our own code)', app: JSON_APP, external: PEERS },
  appMsgpack: { label: 'the app offering `msgpack()` too', app: MSGPACK_APP, external: [] },
  appBson: { label: 'the app offering `bson()` too', app: BSON_APP, external: [] },
  everything: { label: 'every export of `wirestate`, `wirestate/msgpack` and `wirestate/bson`, codec libraries included, xstate and rxjs external', app: EVERYTHING, external: PEERS },
} as const satisfies Record<string, { label: string; app: string; external: readonly string[] }>;

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
  /** The bundled code, for checks of what is (not) in it. */
  readonly code: string;
}

/** Which package a bundled input belongs to: its node_modules package, else our own code. */
function packageOf(inputPath: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(inputPath);
  return match?.[1] ?? 'wirestate';
}

/** Minified bytes per package, from esbuild's metafile. */
export function byPackage(metafile: Metafile): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const output of Object.values(metafile.outputs)) {
    for (const [inputPath, input] of Object.entries(output.inputs)) {
      if (input.bytesInOutput === 0) continue;
      const name = packageOf(inputPath);
      totals[name] = (totals[name] ?? 0) + input.bytesInOutput;
    }
  }
  return totals;
}

/**
 * What an app loads up front from a bundle built with code splitting: the entry's output and the
 * chunks it imports statically, not the chunks only a dynamic `import()` reaches (the shared
 * session, which loads when `share` is used). Their code is concatenated, to gzip as one.
 */
export function upFrontOutputs(metafile: Metafile, outputFiles: readonly OutputFile[], absWorkingDir: string, entryPoint: string): { code: string; bytes: Uint8Array; byPackage: Record<string, number> } {
  // Dynamically imported modules are entry points too (even where the import() was shaken out): find the app's.
  const entry = Object.keys(metafile.outputs).find((path) => path.endsWith('.js') && metafile.outputs[path]!.entryPoint === entryPoint);
  if (entry === undefined) throw new Error('esbuild produced no entry output');
  const reached = new Set<string>();
  const pending = [entry];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (reached.has(path)) continue;
    reached.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && imported.external !== true) pending.push(imported.path);
    }
  }
  const files = [...reached].map((path) => outputFiles.find((file) => file.path === resolve(absWorkingDir, path)));
  const code = files.map((file) => file?.text ?? '').join('\n');
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).filter(([path]) => reached.has(path)));
  return { code, bytes: new TextEncoder().encode(code), byPackage: byPackage({ inputs: metafile.inputs, outputs }) };
}

/** An app to bundle: a file of its own, or source text resolved from a directory. */
export type BrowserApp =
  | { readonly entryPoint: string; readonly absWorkingDir: string }
  | { readonly contents: string; readonly absWorkingDir: string };

/** What a browser app loads up front, measured. */
export interface BrowserBundle {
  /** The up-front code, concatenated. */
  readonly code: string;
  /** Its minified bytes. */
  readonly minifiedBytes: number;
  /** Its gzip bytes (level 9). */
  readonly gzipBytes: number;
  /** Minified bytes per package (`wirestate` for our own code; the app's own lines as `wirestate-app`). */
  readonly byPackage: Record<string, number>;
  /** Every import specifier the bundled modules wrote, as written. */
  readonly imports: readonly string[];
}

/**
 * Bundles an app the way every measurement here does (esbuild, browser, ESM, ES2022, minified,
 * code splitting) and measures what it loads up front. Used by {@link measureBundle} for apps on
 * src/ and by test/package/consumer.test.ts for apps on the installed tarball. Without `splitting`,
 * a chunk only a dynamic `import()` reaches is inlined; the tree-shaking checks want that, since
 * esbuild makes such a chunk an entry even where the import() is dead code.
 */
export async function bundleForBrowser(app: BrowserApp, external: readonly string[] = [], splitting = true): Promise<BrowserBundle> {
  const entry = 'entryPoint' in app ? app.entryPoint : 'app.ts';
  const result = await build({
    ...('entryPoint' in app
      ? { entryPoints: [resolve(app.absWorkingDir, app.entryPoint)] }
      : { stdin: { contents: app.contents, resolveDir: app.absWorkingDir, loader: 'ts' as const, sourcefile: entry } }),
    absWorkingDir: app.absWorkingDir,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    external: [...external],
    write: false,
    metafile: true,
    outdir: join(app.absWorkingDir, 'dist-bundle-size'),
    splitting,
    logLevel: 'silent',
  });
  const output = upFrontOutputs(result.metafile, result.outputFiles, app.absWorkingDir, entry);
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((imported) => imported.original ?? imported.path));
  return { code: output.code, minifiedBytes: output.bytes.byteLength, gzipBytes: gzipSync(output.bytes, { level: 9 }).byteLength, byPackage: output.byPackage, imports };
}

/** Bundles one app as `variant` says and measures what it loads up front. */
export async function measureBundle(variant: BundleVariant): Promise<BundleSize> {
  const { app, external } = BUNDLE_VARIANTS[variant];
  const bundle = await bundleForBrowser({ contents: app, absWorkingDir: repoRoot }, external);
  const minifiedByPackage = { ...bundle.byPackage };
  // The app's own few lines are not ours to count.
  delete minifiedByPackage['wirestate-app'];
  return { variant, minifiedBytes: bundle.minifiedBytes, gzipBytes: bundle.gzipBytes, minifiedByPackage, code: bundle.code };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function version(name: string): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** The table of measured apps, as Markdown. */
export function sizeTable(sizes: readonly BundleSize[]): string {
  const rows = sizes.map((size) => `| \`${size.variant}\` | ${BUNDLE_VARIANTS[size.variant].label} | ${kib(size.minifiedBytes)} | **${kib(size.gzipBytes)}** (${size.gzipBytes} B) |`);
  return ['| variant | what is bundled | minified | minified + gzip |', '|---|---|---:|---:|', ...rows].join('\n');
}

function packageLabel(name: string): string {
  if (name === 'wirestate') return 'wirestate (src/)';
  // rxjs's own helper library, not a dependency of ours.
  return name === 'tslib' ? `tslib ${version(name)} (used by rxjs)` : `${name} ${version(name)}`;
}

/** Where the minified bytes of a bundle come from, as Markdown. */
export function shareTable(size: BundleSize): string {
  const total = Object.values(size.minifiedByPackage).reduce((sum, bytes) => sum + bytes, 0);
  const rows = Object.entries(size.minifiedByPackage)
    .sort(([, a], [, b]) => b - a)
    .map(([name, bytes]) => `| ${packageLabel(name)} | ${kib(bytes)} | ${Math.round((bytes / total) * 100)} % |`);
  return [`| package | minified bytes in \`${size.variant}\` | share |`, '|---|---:|---:|', ...rows].join('\n');
}

function documentation(sizes: readonly BundleSize[]): string {
  const get = (variant: BundleVariant) => sizes.find((size) => size.variant === variant) as BundleSize;
  const app = get('app');
  const own = get('own');
  const withMsgpack = get('appMsgpack');
  const withBson = get('appBson');
  return `# Bundle size

What wirestate costs a browser app. Measured by \`npx tsx scripts/bundle-size.ts --write\` (which
writes this page): small apps importing from the sources as an app imports from the package,
bundled by esbuild ${version('esbuild')} for the browser (ESM, ES2022, minified), then gzipped at
level 9. Sizes in KiB (1,024 bytes). The browser entry never pulls in \`ws\` or a Node built-in
(\`test/bundle.test.ts\`), and \`test/package/consumer.test.ts\` checks the same budgets on the
packed tarball installed in a fresh project.

${sizeTable(sizes)}

## Budgets

| what | budget (gzip) | measured | the issue's aim |
|---|---:|---:|---:|
| our own code in a JSON-only app (\`own\`) | ${kib(OWN_CODE_BUDGET_BYTES)} | ${kib(own.gzipBytes)} | ${kib(OWN_CODE_AIM_BYTES)} |
| the whole JSON-only app with xstate and rxjs (\`app\`) | ${kib(WHOLE_APP_BUDGET_BYTES)} | ${kib(app.gzipBytes)} | ${kib(WHOLE_APP_AIM_BYTES)} |
| our own code that offering a binary codec adds | ${kib(CODEC_GLUE_BUDGET_BYTES)} | msgpack ${kib((withMsgpack.minifiedByPackage['wirestate'] ?? 0) - (app.minifiedByPackage['wirestate'] ?? 0))}, bson ${kib((withBson.minifiedByPackage['wirestate'] ?? 0) - (app.minifiedByPackage['wirestate'] ?? 0))} (minified) | |

**The aims are not reached yet.** Our own code is about ${kib(own.gzipBytes)} against the aim of
${kib(OWN_CODE_AIM_BYTES)}; the budgets sit just above the measured figures so that growth is noticed,
not at the aims. What is left up front is the engine every session runs: the session machine and
its setup, the socket actor and transport, the stream registry, request correlation, option
checks, the close-code policy, the reference protocol's packet checks and the error classes. Lower
the budgets in \`scripts/bundle-budgets.ts\` when it shrinks.

## Code loaded on demand

The figures count what an app loads up front. Code that only some sessions use, and that is needed
only at a moment that is asynchronous anyway, is reached through a dynamic \`import()\`: a bundler
(esbuild, Vite, Rollup, webpack) puts each in a chunk file of its own next to the app's bundle and
fetches it the first time it is needed, so an app that never uses the feature never downloads it.
A bundler that is told not to split (or a single-file IIFE build) inlines them instead; the
behaviour is the same, only the up-front size grows.

| chunk | what is in it | loaded when |
|---|---|---|
| the balancer call | \`transport/balancer.ts\` | a session with the \`balancer\` option first asks it, while the URL provider is asked |
| the rotation handover | \`machine/actors/handover.ts\` (make before break) | the rotation is scheduled (the server announced \`connectionLifetimeMs\`, or \`rotation.lifetimeMs\` is given), long before it is due |
| the logger's lines | \`session/log-lines.ts\` | the first session created with the \`logger\` option |
| the shared session | \`session/shared/\` (about 4 KiB gzip) | \`createSession\` with the \`share\` option |

Nothing is lost while a chunk loads: the logger holds what happened, in order, and logs it when its
lines arrive; a rotation that comes due first waits for its chunk (within the rotation's timeout,
past which it fails with stage \`timeout\`). A chunk that cannot be fetched is
a typed, visible error, retried like the failure it resembles: the balancer attempt fails with a
retryable \`BalancerError\`, the rotation with a \`RotationError\` (stage \`connect\`, the
serving connection goes on), the logger logs the failure at \`error\` level.

The socket features of Node's \`ws\` (handshake response headers, ping frames, fragmented sends)
are not in a browser bundle at all: the Node entry passes them ([packaging](packaging.md)).

## Codecs cost only when offered

JSON is built in; MessagePack and BSON come from \`wirestate/msgpack\` and \`wirestate/bson\`
([codecs](codecs.md)). Offering \`msgpack()\` adds ${kib(withMsgpack.gzipBytes - app.gzipBytes)} gzip,
\`bson()\` ${kib(withBson.gzipBytes - app.gzipBytes)}: the library itself and its codec adapter (under
${kib(CODEC_GLUE_BUDGET_BYTES)} minified). A JSON-only app contains neither library, and neither does the \`plainStreams()\`
protocol unless the app uses it (\`sideEffects: false\`, and no module runs code at import that a
bundler must keep).

## Where the bytes come from

Minified bytes per package in the JSON-only \`app\` (before gzip, which compresses each differently):

${shareTable(app)}
`;
}

async function main(): Promise<void> {
  const sizes = await Promise.all((Object.keys(BUNDLE_VARIANTS) as BundleVariant[]).map((variant) => measureBundle(variant)));
  console.log(sizeTable(sizes));
  console.log();
  console.log(shareTable(sizes.find((size) => size.variant === 'app') as BundleSize));
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
