/**
 * Correlation ids. The reference protocol requires ids that are positive integers and unique among
 * the client's outstanding requests; one source is shared by the machine's lifecycle requests
 * (initialize, authorize, ping) and the {@link RequestCorrelator}, so the two never collide.
 */

/**
 * Creates a source of request ids: 1, 2, 3, ... Before the counter would leave the range of exactly
 * representable integers (`Number.MAX_SAFE_INTEGER`) it wraps back to 1. At one request per
 * microsecond that takes about 285 years, so an id still outstanding from the previous lap is not a
 * practical concern.
 *
 * @param start - The first id handed out (default 1). Tests use a value near the limit to see the wrap.
 * @returns A function that returns the next id on every call.
 *
 * @example
 * ```ts
 * const nextId = createIdSource();
 * nextId(); // 1
 * nextId(); // 2
 * ```
 */
export function createIdSource(start = 1): () => number {
  if (!Number.isSafeInteger(start) || start < 1) {
    throw new RangeError(`createIdSource: start must be a positive safe integer, got ${String(start)}`);
  }
  let next = start;
  return () => {
    const id = next;
    next = id >= Number.MAX_SAFE_INTEGER ? 1 : id + 1;
    return id;
  };
}
