import { OptionsError } from '../errors.js';

/** What {@link numberOption} accepts. */
export interface NumberRule {
  /** The smallest value accepted. */
  readonly min: number;
  /** Whether `min` itself is refused (`{ min: 0, exclusive: true }` asks for a positive number). @default false */
  readonly exclusive?: boolean;
  /** Whether the value must be a whole number. @default false */
  readonly integer?: boolean;
  /** Whether `Infinity` is accepted (before `max` applies). @default false */
  readonly allowInfinity?: boolean;
  /**
   * Larger values, `Infinity` included, are clamped to this rather than refused: timer delays,
   * which `setTimeout` cannot hold above 2^31-1 ms (it would fire at once).
   * @default no clamp
   */
  readonly max?: number;
}

/**
 * Checks one number option and returns it (clamped to `rule.max`), or undefined when it was left
 * out, for the caller to apply its default with `??`: the one validator every number option of
 * `createSession` goes through. Throws an OptionsError naming the option and what it accepts; an
 * option whose name ends in `Ms` is said to count milliseconds.
 *
 * @example
 * ```ts
 * numberOption('maxQueuedRequests', 0, { min: 1, integer: true }); // throws: maxQueuedRequests must be an integer of at least 1
 * numberOption('timeouts.connectMs', Infinity, { min: 0, exclusive: true, allowInfinity: true, max: 2 ** 31 - 1 }); // 2147483647
 * ```
 */
export function numberOption(name: string, value: unknown, rule: NumberRule): number | undefined {
  if (value === undefined) return undefined;
  const accepted =
    typeof value === 'number' &&
    (value === Infinity ? rule.allowInfinity === true : Number.isFinite(value) && (rule.integer !== true || Number.isSafeInteger(value))) &&
    (rule.exclusive === true ? value > rule.min : value >= rule.min);
  if (!accepted) throw new OptionsError(`${name} must be ${requirement(name, rule)}`);
  return rule.max === undefined ? value : Math.min(value, rule.max);
}

function requirement(name: string, rule: NumberRule): string {
  const noun = rule.integer === true ? 'integer' : 'number';
  const unit = name.endsWith('Ms') ? ' ms' : '';
  const range =
    rule.min === 0
      ? `a ${rule.exclusive === true ? 'positive' : 'non-negative'} ${noun}${unit === '' ? '' : ' of milliseconds'}`
      : `${rule.integer === true ? 'an' : 'a'} ${noun} ${rule.exclusive === true ? 'above' : 'of at least'} ${rule.min}${unit}`;
  return rule.allowInfinity === true ? `${range} or Infinity` : range;
}

/** A positive number, or `Infinity` for "no limit": request timeouts and byte limits. */
export const POSITIVE_OR_INFINITY: NumberRule = Object.freeze({ min: 0, exclusive: true, allowInfinity: true });
