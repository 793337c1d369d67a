/**
 * The page `serveDevtools` serves, and its script. The published package ships the script prebuilt
 * beside this module (`page.global.js`, built by tsup with ELK inside); from a source checkout
 * (the tests, the demo) it is bundled on first use with esbuild, a development dependency there.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';

/** The page: the panel fills it; its script and feed are addressed relative to it. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wirestate devtools</title>
<style>html, body { margin: 0; background: #0b0f14; } #devtools { padding: 8px; }</style>
</head>
<body>
<div id="devtools"></div>
<script src="devtools.js"></script>
</body>
</html>
`;

/** Where the prebuilt script may sit relative to the module that holds this code (a tsup entry or a shared chunk). */
const BUILT_SCRIPT_CANDIDATES = ['./page.global.js', './devtools/page.global.js'];
const SOURCE_ENTRY = '../page/main.ts';

async function bundleFromSource(entry: URL): Promise<string> {
  // A variable specifier: bundlers of the published package leave it alone, and it only runs from a checkout.
  const esbuildName = 'esbuild';
  const esbuild = (await import(esbuildName)) as typeof Esbuild;
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return (result.outputFiles[0] as { text: string }).text;
}

let script: Promise<string> | undefined;

/** The page's script, read (or bundled) once per process. */
export function pageScript(): Promise<string> {
  script ??= (async () => {
    for (const candidate of BUILT_SCRIPT_CANDIDATES) {
      try {
        return await readFile(new URL(candidate, import.meta.url), 'utf8');
      } catch {
        // Not there: try the next place.
      }
    }
    return bundleFromSource(new URL(SOURCE_ENTRY, import.meta.url));
  })();
  script.catch(() => (script = undefined));
  return script;
}
