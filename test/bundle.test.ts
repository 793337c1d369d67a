import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The browser entry must never pull in `ws` or a Node built-in (DESIGN.md). This bundles it the way
 * a browser app's bundler would and inspects what went in, so a stray import anywhere below
 * src/index.ts fails here, whoever adds it.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const browserEntries = [join(repoRoot, 'src/index.ts'), join(repoRoot, 'src/transport/index.ts')];

const nodeBuiltins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Whether an import specifier names `ws` or a Node built-in (`net`, `node:crypto`, `fs/promises`). */
function isForbiddenSpecifier(specifier: string): boolean {
  return specifier === 'ws' || specifier.startsWith('ws/') || specifier.startsWith('node:') || nodeBuiltins.has(specifier);
}

/** Problems in esbuild's record of what went into the bundle. */
function problemsInMetafile(metafile: Metafile): string[] {
  const problems: string[] = [];
  for (const [inputPath, input] of Object.entries(metafile.inputs)) {
    // "(disabled):" is what a package.json "browser": {"ws": false} mapping leaves behind: the
    // import still exists in the source, only the bundler hid it.
    if (/(^|\/)node_modules\/ws\//.test(inputPath) || inputPath.startsWith('(disabled):')) {
      problems.push(`input ${inputPath}`);
    }
    for (const imported of input.imports) {
      // esbuild's own helper module, not a dependency: it appears when a package keeps a guarded
      // `require` of an optional module (elkjs's `require('web-worker')`, only run with a workerUrl).
      if (imported.path === '<runtime>') continue;
      const specifier = imported.original ?? imported.path;
      if (isForbiddenSpecifier(specifier) || isForbiddenSpecifier(imported.path) || imported.external === true) {
        problems.push(`${inputPath} imports ${specifier}${imported.external === true ? ' (external)' : ''}`);
      }
    }
  }
  return problems;
}

/**
 * Module specifiers in the bundled code that name `ws` or a Node built-in. Deliberately textual:
 * a string in the library that reads like an import of ws (an error message quoting
 * `import WebSocket from 'ws'`) trips it too; reword such strings rather than loosen the check.
 */
function problemsInOutput(code: string): string[] {
  const problems: string[] = [];
  const specifiers = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\1/g;
  for (const match of code.matchAll(specifiers)) {
    const specifier = match[2] ?? '';
    if (isForbiddenSpecifier(specifier)) problems.push(`output refers to module "${specifier}"`);
  }
  return problems;
}

/**
 * Bundles `entryPoints` for the browser (nothing external) and lists everything that ties the
 * bundle to Node. A build that fails is a problem too: esbuild with `platform: 'browser'` refuses
 * to resolve Node built-ins.
 */
async function checkBrowserBundle(entryPoints: string[], extra: { nodePaths?: string[] } = {}): Promise<{ built: boolean; inputs: string[]; problems: string[] }> {
  try {
    const result = await build({
      entryPoints,
      absWorkingDir: repoRoot,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      outdir: join(repoRoot, 'dist-bundle-check'),
      logLevel: 'silent',
      ...(extra.nodePaths === undefined ? {} : { nodePaths: extra.nodePaths }),
    });
    const code = result.outputFiles.map((file) => file.text).join('\n');
    return {
      built: true,
      inputs: Object.keys(result.metafile.inputs),
      problems: [...problemsInMetafile(result.metafile), ...problemsInOutput(code)],
    };
  } catch (error) {
    const messages = (error as { errors?: Array<{ text: string }> }).errors?.map((message) => message.text) ?? [String(error)];
    return { built: false, inputs: [], problems: messages.map((text) => `build failed: ${text}`) };
  }
}

describe('the browser bundle', () => {
  it('builds from src/index.ts without ws or any Node built-in', async () => {
    const report = await checkBrowserBundle(browserEntries);
    expect(report.problems).toEqual([]);
    expect(report.built).toBe(true);
    // The check looked at real inputs: the transport layer is among them.
    expect(report.inputs).toContain('src/transport/socket.ts');
    // What only ws offers comes with the Node entry (src/node-platform.ts), not with this one.
    expect(report.inputs.filter((input) => /ws-extensions|ws-features|handshake-response/.test(input))).toEqual([]);
  });
});

describe('the devtools subpath', () => {
  it('builds for the browser from src/devtools/index.ts without ws or any Node built-in', async () => {
    const report = await checkBrowserBundle([join(repoRoot, 'src/devtools/index.ts')]);
    expect(report.problems).toEqual([]);
    expect(report.built).toBe(true);
    expect(report.inputs).toContain('src/devtools/panel/panel.ts');
    expect(report.inputs.some((input) => input.includes('node_modules/elkjs/'))).toBe(true);
  });

  it('is not in the bundle of the main entry: an app that does not import it does not pay for it', async () => {
    const report = await checkBrowserBundle(browserEntries);
    expect(report.inputs.filter((input) => input.startsWith('src/devtools/') || input.includes('node_modules/elkjs/'))).toEqual([]);
    // The check can see devtools code when it is there.
    const withDevtools = await checkBrowserBundle([...browserEntries, join(repoRoot, 'src/devtools/index.ts')]);
    expect(withDevtools.inputs.filter((input) => input.startsWith('src/devtools/')).length).toBeGreaterThan(5);
  });
});

describe('the bundle checker', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'wirestate-bundle-check-'));
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  async function entry(name: string, source: string): Promise<string> {
    const path = join(scratch, name);
    await writeFile(path, source);
    return path;
  }

  const nodePaths = [join(repoRoot, 'node_modules')];

  it('flags an entry that imports ws', async () => {
    const report = await checkBrowserBundle([await entry('imports-ws.js', "import WebSocket from 'ws';\nexport const Socket = WebSocket;\n")], { nodePaths });
    expect(report.built).toBe(true);
    expect(report.problems.some((problem) => problem.includes('node_modules/ws/'))).toBe(true);
    expect(report.problems.some((problem) => problem.endsWith('imports ws'))).toBe(true);
  });

  it('flags ws even when a package.json "browser" field maps it to false (as ours once did)', async () => {
    const packageDir = join(scratch, 'mapped');
    await mkdir(packageDir, { recursive: true });
    await writeFile(join(packageDir, 'package.json'), JSON.stringify({ name: 'mapped', browser: { ws: false } }));
    const report = await checkBrowserBundle([await entry('mapped/index.js', "import WebSocket from 'ws';\nexport const Socket = WebSocket;\n")], { nodePaths });
    expect(report.built).toBe(true);
    expect(report.problems.some((problem) => problem.includes('(disabled):'))).toBe(true);
  });

  it('flags an entry that imports a Node built-in (the build fails)', async () => {
    const report = await checkBrowserBundle([await entry('imports-crypto.js', "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID;\n")]);
    expect(report.built).toBe(false);
    expect(report.problems.join('\n')).toContain('node:crypto');
  });

  it('flags module specifiers of ws and Node built-ins in output text', () => {
    expect(problemsInOutput('const a = require("ws"); import b from "net"; import("node:tls"); export * from "http";')).toEqual([
      'output refers to module "ws"',
      'output refers to module "net"',
      'output refers to module "node:tls"',
      'output refers to module "http"',
    ]);
    expect(problemsInOutput('const words = "net tls http crypto"; import x from "rxjs";')).toEqual([]);
  });
});
