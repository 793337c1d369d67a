import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from '../scripts/bundle-size.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every error class, made in an app minified as for production, with the `name` each instance shows. */
const APP = `import * as errors from './src/errors.ts';
export const names = Object.entries(errors).map(([exported, ErrorClass]) => [exported, new (ErrorClass as new (...args: unknown[]) => Error)('x', {}).name]);
`;

describe('error names in a minified bundle', () => {
  // A minifier renames classes: a name taken from the class would print as "c: request timed out".
  it('are the class names, for every error class', async () => {
    const { code } = await bundleForBrowser({ contents: APP, absWorkingDir: repoRoot });
    const directory = await mkdtemp(join(tmpdir(), 'wirestate-names-'));
    try {
      const file = join(directory, 'app.mjs');
      await writeFile(file, code);
      const { names } = (await import(pathToFileURL(file).href)) as { names: Array<[string, string]> };
      expect(names.length).toBeGreaterThan(20);
      for (const [exported, name] of names) expect(name, exported).toBe(exported);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
