import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffCeiling, backoffDelay, type BackoffOptions } from '../../../src/machine/backoff.js';

const options: fc.Arbitrary<BackoffOptions> = fc
  .record({
    initialDelayMs: fc.double({ min: 0, max: 10_000, noNaN: true }),
    extraMaxMs: fc.double({ min: 0, max: 1e9, noNaN: true }),
    multiplier: fc.double({ min: 1, max: 100, noNaN: true }),
    longDelayFactor: fc.double({ min: 1, max: 100, noNaN: true }),
    maxAttempts: fc.oneof(fc.constant(Infinity), fc.nat()),
    minUptimeMs: fc.nat({ max: 60_000 }),
  })
  .map(({ extraMaxMs, ...rest }) => ({ ...rest, maxDelayMs: rest.initialDelayMs + extraMaxMs }));

const attempt = fc.oneof(fc.nat({ max: 64 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constant(Number.MAX_VALUE));
const kind = fc.constantFrom('backoff', 'long-backoff') as fc.Arbitrary<'backoff' | 'long-backoff'>;
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('backoff', () => {
  it('grows the defaults as documented', () => {
    expect([0, 1, 2, 3, 7, 100].map((n) => backoffCeiling(n, DEFAULT_BACKOFF))).toEqual([250, 500, 1000, 2000, 30_000, 30_000]);
    expect(backoffCeiling(0, DEFAULT_BACKOFF, 'long-backoff')).toBe(2000);
    expect(backoffCeiling(4, DEFAULT_BACKOFF, 'long-backoff')).toBe(30_000);
  });

  it('property: 0 <= delay <= ceiling <= maxDelayMs, finite, for every attempt including huge ones', () => {
    fc.assert(
      fc.property(options, attempt, kind, unit, (opts, n, k, r) => {
        const ceiling = backoffCeiling(n, opts, k);
        const delay = backoffDelay(n, opts, () => r, k);
        expect(Number.isFinite(ceiling)).toBe(true);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(ceiling).toBeLessThanOrEqual(opts.maxDelayMs);
      }),
    );
  });

  it('property: the ceiling never decreases as attempts grow', () => {
    fc.assert(
      fc.property(options, attempt, fc.nat({ max: 1000 }), kind, (opts, n, step, k) => {
        expect(backoffCeiling(n + step, opts, k)).toBeGreaterThanOrEqual(backoffCeiling(n, opts, k));
      }),
    );
  });

  it('property: a long backoff is never shorter than a normal one', () => {
    fc.assert(
      fc.property(options, attempt, (opts, n) => {
        expect(backoffCeiling(n, opts, 'long-backoff')).toBeGreaterThanOrEqual(backoffCeiling(n, opts, 'backoff'));
      }),
    );
  });

  it('property: random() = 0 gives 0 and random() close to 1 gives nearly the ceiling', () => {
    fc.assert(
      fc.property(options, attempt, kind, (opts, n, k) => {
        const ceiling = backoffCeiling(n, opts, k);
        expect(backoffDelay(n, opts, () => 0, k)).toBe(0);
        const high = backoffDelay(n, opts, () => 1 - Number.EPSILON, k);
        expect(high).toBeLessThanOrEqual(ceiling);
        expect(high).toBeGreaterThanOrEqual(Math.floor(ceiling * (1 - 1e-9)) - 1);
      }),
    );
  });

  it('clamps a misbehaving random source into the window', () => {
    for (const value of [-1, 2, NaN, Infinity, -Infinity]) {
      const delay = backoffDelay(3, DEFAULT_BACKOFF, () => value);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it('treats a zero initial delay as always zero, even when the growth overflows', () => {
    const zero = { ...DEFAULT_BACKOFF, initialDelayMs: 0 };
    expect(backoffCeiling(Number.MAX_SAFE_INTEGER, zero, 'long-backoff')).toBe(0);
    expect(backoffCeiling(-5, DEFAULT_BACKOFF)).toBe(250);
    expect(backoffCeiling(NaN, DEFAULT_BACKOFF)).toBe(250);
  });
});
