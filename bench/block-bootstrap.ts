/**
 * The ratio of two paired series' high percentile, with a 95% interval from a paired block
 * bootstrap. Delays on a shared machine come in runs (one stall delays every message that arrives
 * during it), so single messages are not independent draws; blocks of consecutive messages long
 * enough to hold whole stalls nearly are, and resampling whole blocks keeps each stall intact.
 */
import { seededRandom } from '../src/testing/market-data.js';
import { nearestRank } from './stats.js';

/** A ratio with the bounds of its 95% bootstrap interval. */
export interface RatioInterval {
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
}

/**
 * The `count` largest of `values` (all of them when there are fewer). The `tail` largest values of a
 * union of blocks are among the `tail` largest of each block, so a resample needs only these.
 */
function largest(values: ArrayLike<number>, count: number): Float64Array {
  return Float64Array.from(values).sort().reverse().subarray(0, count);
}

/** The `tail`-th largest value of the union of `drawn` blocks, from each block's largest values (`tops`, all of one length). */
function tailValueOfDrawn(tops: readonly Float64Array[], drawn: readonly number[], tail: number): number {
  const kept = tops[0]?.length ?? 0;
  const pooled = new Float64Array(drawn.length * kept);
  for (const [slot, block] of drawn.entries()) pooled.set(tops[block] as Float64Array, slot * kept);
  return pooled.sort()[pooled.length - tail] as number;
}

/**
 * The `p`-th percentile of every value of `numerator` over that of `denominator`, and its 95%
 * interval: `iterations` times, as many blocks as there are, drawn with replacement, the same
 * blocks for both sides (block `i` of each covers the same messages, so a stall that hit both is
 * drawn for both), and the ratio of the drawn blocks' percentiles taken. Blocks must all hold the
 * same number of values.
 */
export function pairedBlockPercentileRatio(
  numerator: readonly ArrayLike<number>[],
  denominator: readonly ArrayLike<number>[],
  p: number,
  iterations = 2_000,
  seed = 1,
): RatioInterval {
  const blocks = numerator.length;
  const size = numerator[0]?.length ?? 0;
  if (blocks === 0 || denominator.length !== blocks) throw new Error('pairedBlockPercentileRatio: both sides need the same number of blocks, at least one');
  if (![...numerator, ...denominator].every((block) => block.length === size)) throw new Error('pairedBlockPercentileRatio: blocks must be of one size');
  const total = blocks * size;
  // The percentile is the tail-th largest value: the same rank for every resample, whose size is fixed.
  const tail = total - nearestRank(p, total) + 1;
  const numeratorTops = numerator.map((block) => largest(block, tail));
  const denominatorTops = denominator.map((block) => largest(block, tail));
  const ratioOf = (drawn: readonly number[]) => tailValueOfDrawn(numeratorTops, drawn, tail) / tailValueOfDrawn(denominatorTops, drawn, tail);
  const random = seededRandom(seed);
  const ratios = new Float64Array(iterations);
  for (let iteration = 0; iteration < iterations; iteration++) {
    ratios[iteration] = ratioOf(Array.from({ length: blocks }, () => Math.floor(random() * blocks)));
  }
  ratios.sort();
  return {
    ratio: ratioOf(Array.from({ length: blocks }, (_, block) => block)),
    low: ratios[nearestRank(2.5, iterations) - 1] as number,
    high: ratios[nearestRank(97.5, iterations) - 1] as number,
  };
}

/**
 * Both sides without the block that holds either side's single longest delay (one or two blocks,
 * the same ones left out of both, so the pairing stays). One stall of tens of milliseconds in one
 * process can set that side's p99.9 alone, whatever the rest of the run shows; a verdict that holds
 * only with that block is a verdict on that stall.
 */
export function withoutWorstBlocks<T extends ArrayLike<number>>(numerator: readonly T[], denominator: readonly T[]): { numerator: T[]; denominator: T[] } {
  const worst = (blocks: readonly T[]) => {
    let worstBlock = 0;
    let longest = -Infinity;
    for (const [index, block] of blocks.entries()) {
      for (let at = 0; at < block.length; at++) {
        if ((block[at] as number) > longest) {
          longest = block[at] as number;
          worstBlock = index;
        }
      }
    }
    return worstBlock;
  };
  const left = new Set([worst(numerator), worst(denominator)]);
  const keep = (_: T, index: number) => !left.has(index);
  return { numerator: numerator.filter(keep), denominator: denominator.filter(keep) };
}
