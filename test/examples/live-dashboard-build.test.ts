/**
 * The live-dashboard example bundles for production with Vite: the library, rxjs, xstate and both
 * binary codecs go in (the example imports `wirestate/msgpack` and `wirestate/bson`), `ws` stays out
 * (it is only the Node entry's default).
 */
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';

const configFile = fileURLToPath(new URL('../../examples/live-dashboard/vite.config.ts', import.meta.url));

describe('the live dashboard production build', () => {
  it('bundles the library for the browser without ws', async () => {
    const result = (await build({ configFile, logLevel: 'silent', build: { write: false } })) as Rolldown.RolldownOutput;
    const chunks = result.output.filter((item): item is Rolldown.OutputChunk => item.type === 'chunk');
    expect(chunks.length).toBeGreaterThan(0);
    const modules = chunks.flatMap((chunk) => Object.keys(chunk.modules));
    const inBundle = (fragment: string) => modules.some((id) => id.includes(fragment));
    expect(inBundle('/src/session.ts')).toBe(true);
    expect(inBundle('/node_modules/xstate/')).toBe(true);
    expect(inBundle('/node_modules/rxjs/')).toBe(true);
    expect(inBundle('/node_modules/@msgpack/msgpack/')).toBe(true);
    expect(inBundle('/node_modules/bson/')).toBe(true);
    expect(modules.filter((id) => id.includes('/node_modules/ws/') || id.includes('/src/testing/') || id.includes('/src/node.ts'))).toEqual([]);
  });
});
