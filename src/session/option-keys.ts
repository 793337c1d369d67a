import { OptionsError } from '../errors.js';
import type { AuthOptions, SessionOptions } from './option-types.js';

/**
 * The keys of an options type, from a record the compiler checks against the type: `satisfies
 * Record<keyof T, true>` refuses a key the type lacks and misses none it has, so adding an option
 * to the type without adding it here fails to compile instead of being refused at run time.
 */
export function keysOf(record: Readonly<Record<string, true>>): readonly string[] {
  return Object.freeze(Object.keys(record));
}

/** Every key of {@link SessionOptions}. */
export const SESSION_OPTION_KEYS = keysOf({
  balancer: true, endpoint: true, codecs: true, subprotocols: true, auth: true, reconnect: true, closeCodes: true, timeouts: true,
  requestTimeoutMs: true, heartbeatMs: true, maxMessageBytes: true, maxInboundBytes: true, maxFrameBytes: true, maxQueuedRequests: true,
  maxStreamsPerPacket: true, unsubscribeLingerMs: true, lazy: true, protocol: true, clientName: true, WebSocket: true, fetch: true,
  inspect: true, random: true, now: true, logger: true, share: true, rotation: true,
} satisfies Record<keyof SessionOptions, true>);

type AuthForm<Key extends string> = Extract<AuthOptions, Record<Key, unknown>>;

/** The keys of each form of the `auth` option. */
export const AUTH_FORM_KEYS = Object.freeze({
  token: keysOf({ token: true, transport: true } satisfies Record<keyof AuthForm<'token'>, true>),
  license: keysOf({ license: true } satisfies Record<keyof AuthForm<'license'>, true>),
  credentials: keysOf({ username: true, password: true } satisfies Record<keyof AuthForm<'username'>, true>),
});

/**
 * Throws an OptionsError for a key of `value` that is not in `known`, naming it with its place
 * (`timeouts.connnectMs is not an option`), so a typo is never accepted silently.
 * Used for the top level and, through {@link nestedOptions}, for every nested options object alike.
 *
 * @example
 * ```ts
 * rejectUnknownKeys('timeouts', { connnectMs: 1 }, ['connectMs', 'initializeMs']); // throws: timeouts.connnectMs is not an option
 * ```
 */
export function rejectUnknownKeys(where: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new OptionsError(`${where === '' ? key : `${where}.${key}`} is not an option`);
    }
  }
}

/** Throws an OptionsError unless `value` is undefined or a plain options object (not null, not an array). */
export function optionalObject(name: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OptionsError(`${name} must be an object`);
  }
  return value as Record<string, unknown>;
}

/**
 * A nested options object (`timeouts`, `reconnect`, `subprotocols`): `{}` when left out, else an
 * object with none but the `known` keys; an OptionsError otherwise.
 */
export function nestedOptions(name: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  const object = optionalObject(name, value) ?? {};
  rejectUnknownKeys(name, object, known);
  return object;
}
