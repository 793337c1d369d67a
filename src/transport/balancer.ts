import { BALANCER_PATH } from '../constants.js';
import { BalancerError } from '../errors.js';
import { redactUrlIn } from './redact-url.js';
import { urlProblem } from './url-rules.js';


/** Options of {@link resolveEndpoint}. */
export interface ResolveEndpointOptions {
  /**
   * Base URL of the balancer (`http:` or `https:`), with or without a trailing slash, optionally
   * with a base path and query parameters (an API key, say): `https://lb.example.com/api?key=…`
   * is asked at `https://lb.example.com/api/v1/websocket/server?key=…`. The query never appears in
   * error messages.
   */
  readonly balancerUrl: string;
  /** The `fetch` to use. @default `globalThis.fetch` */
  readonly fetch?: typeof fetch;
  /** How long the whole call (connection, answer and body) may take before it is aborted, in milliseconds; positive, as the session's `timeouts.balancerMs` is. */
  readonly timeoutMs: number;
  /** Aborts the call; it then rejects with a non-retryable {@link BalancerError}. */
  readonly signal?: AbortSignal;
}

/** The balancer's answer. */
export interface ResolvedEndpoint {
  /** Absolute `ws:` or `wss:` URL to connect to, exactly as the balancer sent it. */
  readonly endpoint: string;
  /** The balancer's name for where the endpoint runs (`"eu-1"`), for diagnostics. */
  readonly location?: string;
}

/**
 * Asks the balancer which endpoint to connect to: `GET <balancerUrl>/v1/websocket/server` with
 * `Accept: application/json`, expecting `200 {"endpoint": "ws(s)://…", "location"?: "…"}`.
 *
 * Every failure rejects with a {@link BalancerError} whose `retryable` says what to do next:
 * - `true` (back off and retry): network error, timeout, HTTP 5xx, HTTP 429;
 * - `false` (fatal): any other non-200 status, a 200 whose body is not JSON, lacks `endpoint` or
 *   whose endpoint is not an absolute `ws:`/`wss:` URL, an unusable `balancerUrl`, an abort
 *   through `signal`.
 *
 * A `location` that is not a string is ignored. The timer and the signal listener are released on
 * every path. Messages never contain the balancer URL's query or credentials.
 *
 * @example
 * ```ts
 * const { endpoint, location } = await resolveEndpoint({ balancerUrl: 'http://127.0.0.1:8080', timeoutMs: 5_000 });
 * ```
 */
export async function resolveEndpoint(options: ResolveEndpointOptions): Promise<ResolvedEndpoint> {
  const { timeoutMs, signal } = options;
  const requestUrl = balancerRequestUrl(options.balancerUrl);
  const fetchImpl = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof fetchImpl !== 'function') {
    throw new BalancerError('fetch is required on this platform', { retryable: false });
  }
  if (signal?.aborted) throw abortedError(signal.reason);

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onCallerAbort = () => controller.abort();
  signal?.addEventListener('abort', onCallerAbort, { once: true });

  try {
    let body: string;
    try {
      // Raced against the abort as well, so a fetch that ignores its signal still times out.
      const response = await untilAborted(
        fetchImpl(requestUrl, { method: 'GET', headers: { Accept: 'application/json' }, signal: controller.signal }),
        controller.signal,
      );
      if (response.status !== 200) {
        // Release the connection instead of leaving the unread body to hold it.
        response.body?.cancel().catch(ignore);
        throw statusError(response.status);
      }
      body = await untilAborted(response.text(), controller.signal);
    } catch (error) {
      if (error instanceof BalancerError) throw error;
      if (timedOut) {
        throw new BalancerError(
          'balancer timed out',
          { retryable: true },
        );
      }
      if (signal?.aborted) throw abortedError(signal.reason);
      throw new BalancerError(
        `balancer unreachable: ${describeNetworkError(error, requestUrl)}`,
        { retryable: true, cause: error },
      );
    }
    return parseAnswer(body);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCallerAbort);
  }
}

/** Builds `<balancerUrl>/v1/websocket/server`, keeping the base path and the query. */
function balancerRequestUrl(balancerUrl: string): string {
  let url: URL;
  try {
    url = new URL(balancerUrl);
  } catch {
    throw new BalancerError('balancer URL must be absolute', {
      retryable: false,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BalancerError(
      'balancer URL must be http(s)',
      { retryable: false },
    );
  }
  if (url.username !== '' || url.password !== '') {
    // fetch refuses such URLs; without this check that would pass for a (retryable) network error.
    throw new BalancerError(
      'balancer URL must not carry credentials',
      { retryable: false },
    );
  }
  url.pathname = url.pathname.replace(/\/+$/, '') + BALANCER_PATH;
  url.hash = '';
  return url.href;
}

function statusError(status: number): BalancerError {
  return new BalancerError('balancer answered an HTTP error', { status, retryable: status >= 500 || status === 429 });
}

function parseAnswer(body: string): ResolvedEndpoint {
  const bad = (what: string) => new BalancerError(`bad balancer answer: ${what}`, { status: 200, retryable: false });
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    throw bad('body is not JSON');
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw bad('body is not a JSON object');
  const { endpoint, location } = answer as { endpoint?: unknown; location?: unknown };
  if (endpoint === undefined) throw bad('endpoint missing');
  if (typeof endpoint !== 'string') throw bad('endpoint must be a string');
  const problem = urlProblem(endpoint, 'ws');
  if (problem !== undefined) throw bad(`endpoint must be ${problem}`);
  return typeof location === 'string' ? { endpoint, location } : { endpoint };
}

function abortedError(reason: unknown): BalancerError {
  return new BalancerError('balancer call aborted', { retryable: false, cause: reason });
}

/** Names what went wrong with the network: `fetch failed (ECONNREFUSED)` rather than just `fetch failed`. */
function describeNetworkError(error: unknown, requestUrl: string): string {
  if (!(error instanceof Error)) return redactUrlIn(String(error), requestUrl);
  const cause: unknown = error.cause;
  const code = (cause as { code?: unknown } | null | undefined)?.code;
  const detail = typeof code === 'string' ? code : cause instanceof Error ? cause.message : '';
  return redactUrlIn(detail === '' ? error.message : `${error.message} (${detail})`, requestUrl);
}

/** Rejects as soon as `signal` aborts, whether or not `promise` listens to it. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function ignore(): void {}
