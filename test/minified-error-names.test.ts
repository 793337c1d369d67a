import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleForBrowser } from '../scripts/bundle-size.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Every error class, made in an app minified as for production: the `name` each instance shows, and
 * what a follower tab of a shared session rebuilds from it (src/session/shared/wire-error.ts).
 */
const APP = `import * as errors from './src/errors.ts';
import { fromWireError, toWireError } from './src/session/shared/wire-error.ts';
export const made = Object.entries(errors).map(([exported, ErrorClass]) => {
  const error = new (ErrorClass as new (...args: unknown[]) => Error)('x', {});
  const rebuilt = fromWireError(structuredClone(toWireError(error)));
  return { exported, name: error.name, rebuilt: rebuilt.name, sameClass: rebuilt instanceof (ErrorClass as new () => Error) && Object.getPrototypeOf(rebuilt) === Object.getPrototypeOf(error) };
});
`;

describe('error names in a minified bundle', () => {
  // A minifier renames classes: a name taken from the class would print as "c: request timed out".
  it('are the class names, for every error class, and a shared session rebuilds each class by it', async () => {
    const { code } = await bundleForBrowser({ contents: APP, absWorkingDir: repoRoot });
    const directory = await mkdtemp(join(tmpdir(), 'wirestate-names-'));
    try {
      const file = join(directory, 'app.mjs');
      await writeFile(file, code);
      const { made } = (await import(pathToFileURL(file).href)) as { made: Array<{ exported: string; name: string; rebuilt: string; sameClass: boolean }> };
      expect(made.length).toBeGreaterThan(20);
      for (const { exported, name, rebuilt, sameClass } of made) {
        expect({ name, rebuilt, sameClass }, exported).toEqual({ name: exported, rebuilt: exported, sameClass: true });
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
