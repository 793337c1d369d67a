/**
 * Makes a URL safe to put in an error message: drops the query, the fragment and any
 * `user:password@`, because that is where tokens, API keys and passwords travel
 * (`?token=…` with the `query` auth transport, keys on a balancer URL). A removed query or
 * fragment is shown as `?…` / `#…`, so the reader still sees that there was one.
 *
 * Works on strings that are not valid URLs too (they are cut at the first `?` or `#`).
 *
 * @example
 * ```ts
 * redactUrl('wss://user:pw@example.com/ws?version=1&token=abc'); // 'wss://example.com/ws?…'
 * ```
 */
export function redactUrl(url: string): string {
  const queryStart = url.search(/[?#]/);
  const base = queryStart === -1 ? url : url.slice(0, queryStart);
  const marker = queryStart === -1 ? '' : `${url[queryStart]}…`;
  // Credentials sit between "//" and the first "@" of the authority; removing them by pattern
  // rather than through `URL` keeps unparseable input (the very case an error reports) redacted too.
  return base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1') + marker;
}

/** Replaces every occurrence of `url` in `text` with its redacted form. */
export function redactUrlIn(text: string, url: string): string {
  return url === '' ? text : text.split(url).join(redactUrl(url));
}
