/**
 * Which stream names the test server knows. SUBSCRIBE fails with `404` for any name the rule
 * rejects (docs/protocol.md section 4).
 */

/**
 * A rule for valid stream names: a pattern, a fixed list, or a predicate.
 *
 * @example
 * ```ts
 * createTestServer({ streams: ['btcusdt@trade', 'ethusdt@depth'] });
 * createTestServer({ streams: /^[a-z]+usdt@(trade|depth)$/ });
 * createTestServer({ streams: (name) => !name.startsWith('private.') });
 * ```
 */
export type StreamNameRule = RegExp | readonly string[] | ((name: string) => boolean);

/**
 * What the default rule accepts: an identifier (letters, digits, `_ . : -`), optionally followed by
 * `@` parts, as in `btcusdt@trade`, `ethusdt@depth@100ms`, `news` or `orders:eu-1`; at most 200
 * characters.
 */
export const DEFAULT_STREAM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*(?:@[A-Za-z0-9_.:-]+)*$/;

/**
 * Names starting with this prefix are unknown to the default rule although well formed, so tests can
 * provoke a `404` (`unknown@trade`, `unknown-stream`) without configuring a rule.
 */
export const UNKNOWN_STREAM_PREFIX = 'unknown';

const MAX_STREAM_NAME_LENGTH = 200;

/** The default rule: {@link DEFAULT_STREAM_NAME_PATTERN}, at most 200 characters, not starting with {@link UNKNOWN_STREAM_PREFIX}. */
export function isDefaultStreamName(name: string): boolean {
  return (
    name.length <= MAX_STREAM_NAME_LENGTH && DEFAULT_STREAM_NAME_PATTERN.test(name) && !name.startsWith(UNKNOWN_STREAM_PREFIX)
  );
}

/** Turns a rule into a predicate. */
export function streamNamePredicate(rule: StreamNameRule | undefined): (name: string) => boolean {
  if (rule === undefined) return isDefaultStreamName;
  if (typeof rule === 'function') return rule;
  if (rule instanceof RegExp) {
    // A global or sticky pattern keeps state between test() calls; a copy without those flags does not.
    const pattern = new RegExp(rule.source, rule.flags.replace(/[gy]/g, ''));
    return (name) => pattern.test(name);
  }
  const known = new Set(rule);
  return (name) => known.has(name);
}
