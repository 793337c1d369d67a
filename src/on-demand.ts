/** A module loaded on first use; see {@link onDemand}. */
export interface OnDemand<T> {
  /** The module once it has loaded, for callers that must not wait a microtask when it already has. */
  readonly loaded: T | undefined;
  /** Loads the module (once; a failed load is tried again on the next call). */
  load(): Promise<T>;
}

/**
 * Wraps a dynamic `import()` of code only some sessions need (the balancer call, the rotation
 * handover, the logger's lines), so that a bundler puts it in a chunk of its own that an app
 * fetches only when it uses the feature. `load` must be an arrow returning a literal `import()`,
 * which is what bundlers split on. A bottom layer: it imports nothing.
 *
 * @example
 * ```ts
 * const handover = onDemand(() => import('./handover.js'));
 * const { createHandover } = await handover.load();
 * ```
 */
export function onDemand<T>(load: () => Promise<T>): OnDemand<T> {
  let loading: Promise<T> | undefined;
  const chunk = {
    loaded: undefined as T | undefined,
    load: (): Promise<T> =>
      (loading ??= load().then(
        (module) => (chunk.loaded = module),
        (error: unknown) => {
          // A chunk that failed to load (a network error) is fetched again by the next caller.
          loading = undefined;
          throw error;
        },
      )),
  };
  return chunk;
}
