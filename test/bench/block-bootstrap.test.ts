import { describe, expect, it } from 'vitest';
import { pairedBlockPercentileRatio, withoutWorstBlocks } from '../../bench/block-bootstrap.js';
import { percentile } from '../../bench/stats.js';
import { seededRandom } from '../../src/testing/market-data.js';

/** Blocks of skewed, stall-like values: mostly small, now and then a run of large ones. */
function stallyBlocks(seed: number, blocks: number, size: number): Float64Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: blocks }, () => {
    const block = new Float64Array(size);
    let stall = 0;
    for (let index = 0; index < size; index++) {
      if (stall === 0 && random() < 0.002) stall = 1 + Math.floor(random() * 20);
      block[index] = stall > 0 ? 1_000 + random() * 5_000 : 50 + random() * 100;
      if (stall > 0) stall--;
    }
    return block;
  });
}

/** The same bootstrap done the slow way: every drawn block's values pooled and sorted. */
function bruteForce(numerator: Float64Array[], denominator: Float64Array[], p: number, iterations: number, seed: number) {
  const pooled = (blocks: Float64Array[], drawn: number[]) => drawn.flatMap((block) => [...(blocks[block] as Float64Array)]);
  const random = seededRandom(seed);
  const ratios: number[] = [];
  for (let iteration = 0; iteration < iterations; iteration++) {
    const drawn = Array.from({ length: numerator.length }, () => Math.floor(random() * numerator.length));
    ratios.push(percentile(pooled(numerator, drawn), p) / percentile(pooled(denominator, drawn), p));
  }
  const all = numerator.map((_, block) => block);
  return { ratio: percentile(pooled(numerator, all), p) / percentile(pooled(denominator, all), p), low: percentile(ratios, 2.5), high: percentile(ratios, 97.5) };
}

describe('pairedBlockPercentileRatio', () => {
  it.each([99.9, 99, 90])('gives what pooling every drawn block gives, at p%s', (p) => {
    const numerator = stallyBlocks(1, 12, 500);
    const denominator = stallyBlocks(2, 12, 500);
    expect(pairedBlockPercentileRatio(numerator, denominator, p, 200, 7)).toEqual(bruteForce(numerator, denominator, p, 200, 7));
  });

  it('pairs the blocks: a side that is the other times a constant gives that constant with no spread', () => {
    const denominator = stallyBlocks(3, 10, 400);
    const numerator = denominator.map((block) => block.map((value) => value * 1.5));
    const { ratio, low, high } = pairedBlockPercentileRatio(numerator, denominator, 99.9);
    expect([ratio, low, high].map((value) => value.toFixed(6))).toEqual(['1.500000', '1.500000', '1.500000']);
  });

  it('refuses blocks of different sizes or counts', () => {
    expect(() => pairedBlockPercentileRatio([new Float64Array(3)], [new Float64Array(4)], 99)).toThrow(/one size/);
    expect(() => pairedBlockPercentileRatio([new Float64Array(3)], [], 99)).toThrow(/same number of blocks/);
  });
});

describe('withoutWorstBlocks', () => {
  it("leaves out the block of each side's longest delay from both sides, keeping the pairing", () => {
    const numerator = [Float64Array.of(1, 2), Float64Array.of(90, 1), Float64Array.of(3, 4), Float64Array.of(5, 6)];
    const denominator = [Float64Array.of(1, 2), Float64Array.of(3, 4), Float64Array.of(5, 6), Float64Array.of(7, 800)];
    const { numerator: keptNumerator, denominator: keptDenominator } = withoutWorstBlocks(numerator, denominator);
    expect(keptNumerator).toEqual([numerator[0], numerator[2]]);
    expect(keptDenominator).toEqual([denominator[0], denominator[2]]);
  });

  it('leaves out one block when both sides have their longest delay in it', () => {
    const numerator = [Float64Array.of(1), Float64Array.of(50), Float64Array.of(2)];
    const denominator = [Float64Array.of(3), Float64Array.of(70), Float64Array.of(4)];
    expect(withoutWorstBlocks(numerator, denominator).numerator).toEqual([numerator[0], numerator[2]]);
  });

  it('takes a one-stall ratio back to the rest of the run', () => {
    const denominator = stallyBlocks(4, 10, 400);
    const numerator = denominator.map((block) => block.map((value) => value * 1.1));
    // One long stall of the denominator's process: alone, it sets the denominator's p99.9.
    (denominator[3] as Float64Array).fill(80_000, 0, 100);
    expect(pairedBlockPercentileRatio(numerator, denominator, 99.9).ratio).toBeLessThan(0.2);
    const trimmed = withoutWorstBlocks(numerator, denominator);
    expect(pairedBlockPercentileRatio(trimmed.numerator, trimmed.denominator, 99.9).ratio).toBeCloseTo(1.1, 6);
  });
});
