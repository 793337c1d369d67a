/** The keys of `T` whose value may be undefined. */
type MaybeUndefinedKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/** `T` with every key whose value may be undefined made optional and never undefined when present. */
export type DefinedOnly<T> = Omit<T, MaybeUndefinedKeys<T>> & { [K in MaybeUndefinedKeys<T>]?: Exclude<T[K], undefined> };

/**
 * A copy of `fields` without the keys whose value is undefined: the one way this library writes
 * an object whose optional fields are absent rather than present and undefined (a codec may write
 * `undefined` as `nil`, `'key' in object` tells them apart, and snapshots compare them). Shallow;
 * a bottom layer, like `errors.ts`: it imports nothing.
 *
 * @example
 * ```ts
 * definedOnly({ method: 'ECHO', params: undefined }); // { method: 'ECHO' }
 * ```
 */
export function definedOnly<const T extends object>(fields: T): DefinedOnly<T> {
  const result: Record<string, unknown> = {};
  for (const key in fields) {
    const value = fields[key];
    if (value !== undefined) result[key] = value;
  }
  return result as DefinedOnly<T>;
}
