import { fromPromise } from 'xstate';
import { BalancerError, OptionsError } from '../../errors.js';
import { Secret } from '../../secret.js';
import { onDemand } from '../../on-demand.js';
import { urlProblem } from '../../transport/url-rules.js';
import type { ValueOrProvider } from '../types.js';

/** Reads a value-or-provider option; a provider is asked again on every attempt. */
export async function readProvided<T>(value: ValueOrProvider<T>): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : value;
}

/** Settles like `promise`, or rejects with `timeoutError()` after `timeoutMs`; the timer ends with the actor (`signal`). */
function withinTimeout<T>(promise: Promise<T>, timeoutMs: number, signal: AbortSignal, timeoutError: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutError()), timeoutMs);
    const stop = () => clearTimeout(timer);
    signal.addEventListener('abort', stop, { once: true });
    promise.then(
      (value) => {
        stop();
        resolve(value);
      },
      (error: unknown) => {
        stop();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The balancer call, fetched by a session that has the `balancer` option when it first asks. */
export const balancerCode = onDemand(() => import('../../transport/balancer.js'));

/** Input of {@link balancerActor}. */
export interface BalancerActorInput {
  readonly balancerUrl: ValueOrProvider<string>;
  readonly fetch?: typeof fetch;
  readonly timeoutMs: number;
}

/**
 * Asks the balancer for an endpoint. The machine stops it when `resolving` exits, which aborts the
 * HTTP call through the actor's signal. The call's code is loaded on first use (a chunk of its own
 * in a split bundle, fetched while the URL provider is asked); a chunk that fails to load fails the
 * attempt with a retryable {@link BalancerError}, as a network error would.
 */
export const balancerActor = fromPromise<{ endpoint: string; location?: string }, BalancerActorInput>(async ({ input, signal }) => {
  const code = balancerCode.load();
  // Settled later, or never if the provider fails first: not an unhandled rejection meanwhile.
  code.catch(() => undefined);
  // The balancer phase's timeout covers a provider that never settles as well as the HTTP call.
  const balancerUrl = await withinTimeout(readProvided(input.balancerUrl), input.timeoutMs, signal, () =>
    new BalancerError('balancer URL provider timed out', { retryable: true }),
  );
  const { resolveEndpoint } = await withinTimeout(code, input.timeoutMs, signal, () => new BalancerError('balancer code did not load in time', { retryable: true })).catch((error: unknown) => {
    throw error instanceof BalancerError ? error : new BalancerError('balancer code failed to load', { retryable: true, cause: error });
  });
  return resolveEndpoint({
    balancerUrl,
    timeoutMs: input.timeoutMs,
    signal,
    ...(input.fetch === undefined ? {} : { fetch: input.fetch }),
  });
});

/** Input of {@link connectionParamsActor}. */
export interface ConnectionParamsInput {
  /** The endpoint to use when none is known yet (a fixed endpoint option). */
  readonly endpoint?: ValueOrProvider<string>;
  /** The token option, when auth is by token. */
  readonly token?: Secret<ValueOrProvider<string>>;
  /**
   * Checks that the values can make a handshake, throwing an OptionsError when they cannot (a token
   * a subprotocol cannot carry), so that the attempt fails here, with an error the machine treats as
   * fatal, rather than later while the socket is being opened.
   */
  readonly check?: (params: { readonly endpoint?: string; readonly token?: Secret<string> }) => void;
}

/**
 * Asks the endpoint and token providers for this attempt's values. A provider that throws or gives
 * a non-string fails the attempt with an OptionsError saying which one.
 */
export const connectionParamsActor = fromPromise<{ endpoint?: string; token?: Secret<string> }, ConnectionParamsInput>(async ({ input }) => {
  const result: { endpoint?: string; token?: Secret<string> } = {};
  if (input.endpoint !== undefined) {
    const endpoint = await readProvided(input.endpoint);
    const problem = urlProblem(endpoint, 'ws');
    if (problem !== undefined) throw new OptionsError(`endpoint provider must give ${problem}`);
    result.endpoint = endpoint;
  }
  if (input.token !== undefined) {
    const token = await readProvided(input.token.reveal());
    if (typeof token !== 'string' || token.length === 0) {
      throw new OptionsError('token provider must give a non-empty string');
    }
    result.token = new Secret(token);
  }
  input.check?.(result);
  return result;
});
