/** A query parameter name shown as it is; anything else (a bare value, an odd name) is masked whole. */
const PARAMETER_NAME = /^[A-Za-z0-9_.\-[\]]{1,64}$/;

/** `version=1&token=abc` as `version=…&token=…`: names kept, values masked. */
function maskQuery(query: string): string {
  return query
    .split('&')
    .map((parameter) => {
      const equals = parameter.indexOf('=');
      if (parameter === '') return '';
      // A parameter without `=` may itself be the secret (`?abc123`).
      if (equals <= 0) return '…';
      const name = parameter.slice(0, equals);
      return PARAMETER_NAME.test(name) ? `${name}=…` : '…';
    })
    .join('&');
}

/**
 * Makes a URL safe to put in an error message: masks every query value and the fragment, and
 * drops any `user:password@`, because that is where tokens, API keys and passwords travel
 * (`?token=…` with the `query` auth transport, keys on a balancer URL, `?ticket=…`). The names of
 * the query parameters stay, so the reader still sees what was sent (`?version=…&ticket=…`); a
 * parameter without a value, or with an unusual name, is masked whole.
 *
 * Works on strings that are not valid URLs too (their query is taken from the first `?`).
 *
 * @example
 * ```ts
 * redactUrl('wss://user:pw@example.com/ws?version=1&token=abc'); // 'wss://example.com/ws?version=…&token=…'
 * redactUrl('ws://example.com/ws#token=abc');                     // 'ws://example.com/ws#…'
 * ```
 */
export function redactUrl(url: string): string {
  const queryStart = url.search(/[?#]/);
  const base = queryStart === -1 ? url : url.slice(0, queryStart);
  let rest = '';
  if (queryStart !== -1) {
    const fragmentStart = url.indexOf('#', queryStart);
    const query = url[queryStart] === '?' ? url.slice(queryStart + 1, fragmentStart === -1 ? undefined : fragmentStart) : undefined;
    rest = `${query === undefined ? '' : `?${maskQuery(query)}`}${fragmentStart === -1 ? '' : '#…'}`;
  }
  // Credentials sit between "//" and the first "@" of the authority; removing them by pattern
  // rather than through `URL` keeps unparseable input (the very case an error reports) redacted too.
  return base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1') + rest;
}

/** Replaces every occurrence of `url` in `text` with its redacted form. */
export function redactUrlIn(text: string, url: string): string {
  return url === '' ? text : text.split(url).join(redactUrl(url));
}
