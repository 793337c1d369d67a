import { OptionsError } from '../errors.js';

/**
 * Throws an OptionsError for a key of `value` that is not in `known`, naming it with its place
 * (`timeouts.connnectMs`) and listing the keys that exist, so a typo is never accepted silently.
 * Used for the top level and for every nested options object alike.
 *
 * @example
 * ```ts
 * rejectUnknownKeys('timeouts', { connnectMs: 1 }, ['balancerMs', 'connectMs']); // throws: Unknown option `timeouts.connnectMs` …
 * ```
 */
export function rejectUnknownKeys(where: string, value: object, known: ReadonlySet<string> | readonly string[]): void {
  const allowed = known instanceof Set ? known : new Set(known);
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      throw new OptionsError(`${where === '' ? key : `${where}.${key}`} is not an option`);
    }
  }
}

/** Throws an OptionsError unless `value` is undefined or a plain options object (not null, not an array). */
export function optionalObject(name: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OptionsError(`${name} must be an object`);
  }
  return value as Record<string, unknown>;
}
