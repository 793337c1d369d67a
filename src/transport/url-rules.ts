/**
 * The rules a configured URL must follow before anything is asked of the network, shared by the
 * options, the endpoint provider and the balancer's answer so that all three refuse the same URLs
 * with the same words.
 */

/** Which URLs a role takes: `'ws'` a WebSocket endpoint, `'http'` a balancer. */
export type UrlKind = 'ws' | 'http';

const SCHEMES: Readonly<Record<UrlKind, RegExp>> = { ws: /^wss?:\/\//i, http: /^https?:\/\//i };
const SCHEME_NOUNS: Readonly<Record<UrlKind, string>> = { ws: 'a ws(s) URL', http: 'an http(s) URL' };

/**
 * What a URL of `kind` must be, as a noun phrase for "must be …" or "must give …", or undefined
 * when `value` is one: `'a ws(s) URL'` (wrong or no scheme, a relative URL), `'a valid URL'` (does
 * not parse), or for an endpoint `'a URL without a fragment'`, since the WebSocket constructor
 * (the standard one and `ws`'s alike) throws on any fragment, an empty one (`…/ws#`) included,
 * and every attempt would then fail the same way.
 *
 * @example
 * ```ts
 * urlProblem('ws://127.0.0.1:1234/ws#x', 'ws'); // 'a URL without a fragment'
 * urlProblem('ws://127.0.0.1:1234/ws', 'http'); // 'an http(s) URL'
 * urlProblem('https://balancer.example.com', 'http'); // undefined
 * ```
 */
export function urlProblem(value: unknown, kind: UrlKind): string | undefined {
  if (typeof value !== 'string' || !SCHEMES[kind].test(value.trim())) return SCHEME_NOUNS[kind];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'a valid URL';
  }
  // `href` keeps a '#' that `hash` reports as '' (an empty fragment), and a '#' can only start one.
  if (kind === 'ws' && url.href.includes('#')) return 'a URL without a fragment';
  return undefined;
}
