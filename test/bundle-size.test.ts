import { describe, expect, it } from 'vitest';
import { measureBundle } from '../scripts/bundle-size.js';

/**
 * Budget of our own code in the browser bundle (src/index.ts minified for the browser, every
 * dependency external), in gzip bytes.
 *
 * The issue aims for under 8 KB gzip. The real figure is well above that: 20,672 B (20.2 KiB)
 * when this budget was set (see docs/bundle-size.md). The budget records that honestly, with a
 * little headroom for work in progress, so that growth is noticed; shrinking the code towards the
 * aim is separate work. The shared session (`share`, issue 15) added about 5.3 KiB gzip (20.8 ->
 * 26.1 KiB): createSession refers to it, so it is bundled whether or not an app shares; loading
 * it on demand is the way to give that back. Field hardening (issue 11: typed transport, encode,
 * seq and option errors, the encodability walk, Secret, the strict option checks) added about
 * 3.7 KiB more (30,956 B); the short coded messages of the redesign (issue 12) are the lever to
 * take it back down. When this fails, look at what grew (`npx tsx scripts/bundle-size.ts`),
 * then either trim it or raise the budget on purpose and update docs/bundle-size.md (`--write`).
 */
const OWN_CODE_GZIP_BUDGET_BYTES = 31 * 1024;

describe('the browser bundle size', () => {
  it(`keeps our own code under ${OWN_CODE_GZIP_BUDGET_BYTES} bytes gzip`, async () => {
    const own = await measureBundle('own');
    // Only our code went in: the measurement is of the right thing.
    expect(Object.keys(own.minifiedByPackage)).toEqual(['wirestate']);
    expect(own.gzipBytes).toBeGreaterThan(0);
    expect(own.gzipBytes).toBeLessThan(own.minifiedBytes);
    expect(own.gzipBytes).toBeLessThanOrEqual(OWN_CODE_GZIP_BUDGET_BYTES);
  });

  it('bundles every dependency when none is external', async () => {
    const full = await measureBundle('full');
    for (const name of ['wirestate', 'xstate', 'rxjs', '@msgpack/msgpack', 'bson']) expect(full.minifiedByPackage[name]).toBeGreaterThan(0);
    expect(full.minifiedByPackage['ws']).toBeUndefined();
  });
});
