import { describe, expect, it } from 'vitest';
import { CODEC_GLUE_BUDGET_BYTES, OWN_CODE_BUDGET_BYTES, WHOLE_APP_BUDGET_BYTES } from '../scripts/bundle-budgets.js';
import { measureBundle } from '../scripts/bundle-size.js';

/**
 * The browser bundle budgets of scripts/bundle-budgets.ts (which explains why they sit above the
 * issue's aims), measured from src/ as an app bundles the package. When a budget fails, look at
 * what grew (`npx tsx scripts/bundle-size.ts`), then trim it or change the budget on purpose and
 * rewrite docs/bundle-size.md (`--write`).
 */
describe('the browser bundle size', () => {
  it(`keeps our own code in a JSON-only app under ${OWN_CODE_BUDGET_BYTES} bytes gzip`, async () => {
    const own = await measureBundle('own');
    // Only our code went in: the measurement is of the right thing.
    expect(Object.keys(own.minifiedByPackage)).toEqual(['wirestate']);
    expect(own.gzipBytes).toBeLessThan(own.minifiedBytes);
    expect(own.gzipBytes).toBeLessThanOrEqual(OWN_CODE_BUDGET_BYTES);
  });

  it(`keeps a whole JSON-only app (xstate and rxjs included) under ${WHOLE_APP_BUDGET_BYTES} bytes gzip, without codec libraries or plainStreams`, async () => {
    const app = await measureBundle('app');
    expect(Object.keys(app.minifiedByPackage).sort()).toEqual(['rxjs', 'tslib', 'wirestate', 'xstate']);
    expect(app.code).not.toMatch(/["']plain-streams["']/);
    expect(app.gzipBytes).toBeLessThanOrEqual(WHOLE_APP_BUDGET_BYTES);
  });

  it.each([
    ['appMsgpack', '@msgpack/msgpack'],
    ['appBson', 'bson'],
  ] as const)('%s adds only %s and its codec adapter', async (variant, library) => {
    const [app, withCodec] = await Promise.all([measureBundle('app'), measureBundle(variant)]);
    expect(Object.keys(withCodec.minifiedByPackage).sort()).toEqual([...Object.keys(app.minifiedByPackage), library].sort());
    // The other libraries stay as they were, give or take the minifier's longer names in a bigger bundle.
    for (const name of ['xstate', 'rxjs', 'tslib']) {
      expect(Math.abs((withCodec.minifiedByPackage[name] ?? 0) - (app.minifiedByPackage[name] ?? 0))).toBeLessThanOrEqual(512);
    }
    const glue = (withCodec.minifiedByPackage['wirestate'] ?? 0) - (app.minifiedByPackage['wirestate'] ?? 0);
    expect(glue).toBeGreaterThan(0);
    expect(glue).toBeLessThanOrEqual(CODEC_GLUE_BUDGET_BYTES);
  });

  it('bundles both codec libraries when every export is imported, and never ws', async () => {
    const everything = await measureBundle('everything');
    for (const name of ['wirestate', '@msgpack/msgpack', 'bson']) expect(everything.minifiedByPackage[name]).toBeGreaterThan(0);
    expect(everything.minifiedByPackage['ws']).toBeUndefined();
    // The marker the JSON-only app is checked for is there when plainStreams() is: that check can fail.
    expect(everything.code).toMatch(/["']plain-streams["']/);
  });
});
