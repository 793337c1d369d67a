/**
 * The one polling wait of the test suites, for Node and browser tests alike (no Node built-in here,
 * so the browser project can import it).
 */

/** How often `check` runs while it is false. */
const POLL_MS = 5;

/** What {@link eventually} rejects with when `check` did not hold in time (a `check` that throws rejects with its own error). */
export class WaitTimeoutError extends Error {}

/**
 * Resolves once `check` returns (or resolves to) true; rejects after `timeoutMs` with a message that
 * names what was awaited. `what` may be a function, so the message can describe the state at the
 * moment the wait gave up (what the server held, how many messages arrived, …). A `check` that
 * throws fails the wait at once with that error.
 *
 * @example
 * ```ts
 * await eventually(() => received.length === 3, () => `3 messages (got ${received.length})`, 2_000);
 * ```
 */
export async function eventually(check: () => boolean | Promise<boolean>, what: string | (() => string) = 'the condition', timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() >= deadline) throw new WaitTimeoutError(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
