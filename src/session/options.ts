import type { InspectionEvent, Observer } from 'xstate';
import { definedOnly } from '../defined-only.js';
import { OptionsError } from '../errors.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from '../machine/backoff.js';
import { validateCloseCodeOverrides } from '../machine/close-policy.js';
import { validateRotation } from '../machine/rotation.js';
import { MIN_HEARTBEAT_MS, type PhaseTimeouts, type RotationOptions, type SessionMachineInput, type ValueOrProvider } from '../machine/types.js';
import { referenceProtocol } from '../protocol/reference/index.js';
import { MAX_TIMER_DELAY_MS } from '../constants.js';
import type { WebSocketConstructor } from '../transport/types.js';
import { urlProblem, type UrlKind } from '../transport/url-rules.js';
import { resolveAuth } from './auth-options.js';
import { resolveCodecs } from './codecs.js';
import { validateLogger, type SessionLogger } from './logger.js';
import { numberOption, POSITIVE_OR_INFINITY as POSITIVE, type NumberRule } from './number-option.js';
import { nestedOptions, rejectUnknownKeys, SESSION_OPTION_KEYS } from './option-keys.js';
import type { SessionOptions } from './option-types.js';
import { resolveSubprotocolNames } from './subprotocol-options.js';

export type { AuthOptions, SessionOptions } from './option-types.js';

/** The options the machine takes as they are (see {@link SessionMachineInput}). */
type MachineOptionKeys =
  | 'balancerUrl' | 'endpoint' | 'codecs' | 'subprotocolNames' | 'auth' | 'backoff' | 'closeCodes' | 'timeouts'
  | 'heartbeatMs' | 'maxMessageBytes' | 'maxInboundBytes' | 'maxFrameBytes' | 'protocol' | 'clientName' | 'fetch' | 'random' | 'now' | 'createCodec' | 'rotation';

/** The options after validation and defaults: the machine's share, plus what the session layer uses itself. */
export interface ResolvedOptions extends Pick<SessionMachineInput, MachineOptionKeys> {
  readonly requestTimeoutMs: number;
  readonly maxQueuedRequests: number;
  readonly maxStreamsPerPacket: number;
  readonly unsubscribeLingerMs: number;
  readonly lazy: boolean;
  readonly WebSocket?: WebSocketConstructor;
  readonly inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  readonly logger?: SessionLogger;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Default `maxInboundBytes`: room for large snapshots, far below the 100 MiB that `ws` allows by default. */
const DEFAULT_MAX_INBOUND_BYTES = 4 * 1024 * 1024;

/**
 * A delay that ends up in `setTimeout`, which fires after 1 ms for anything above 2^31-1 ms
 * (`Infinity` included): clamped to that (about 24.8 days), so a huge value or `Infinity` means
 * "practically never" instead of "at once".
 */
const TIMER_DELAY: NumberRule = { min: 0, exclusive: true, allowInfinity: true, max: MAX_TIMER_DELAY_MS };
/** Like {@link TIMER_DELAY}, and 0 too ("at once"). */
const TIMER_DELAY_OR_ZERO: NumberRule = { ...TIMER_DELAY, exclusive: false };
const COUNT: NumberRule = { min: 1, integer: true };
const FINITE_DELAY: NumberRule = { min: 0 };
const GROWTH: NumberRule = { min: 1 };

/** A URL option (`balancer`, `endpoint`): a provider as it is (checked when it gives a URL), else a URL of `kind`. */
function urlOrProvider(name: string, value: unknown, kind: UrlKind): ValueOrProvider<string> | undefined {
  if (value === undefined || typeof value === 'function') return value as ValueOrProvider<string> | undefined;
  const problem = urlProblem(value, kind);
  if (problem !== undefined) throw new OptionsError(`${name} must be ${problem}`);
  return value as string;
}

/** Inspectors come as functions or, like `@statelyai/inspect`'s, as observers; XState takes both. */
function isInspector(value: unknown): boolean {
  if (typeof value === 'function') return true;
  return typeof value === 'object' && value !== null && typeof (value as { next?: unknown }).next === 'function';
}

/** Every phase's timeout, clamped like every timer delay. */
const TIMEOUT_RULES = {
  balancerMs: TIMER_DELAY, connectMs: TIMER_DELAY, initializeMs: TIMER_DELAY, authorizeMs: TIMER_DELAY, providerMs: TIMER_DELAY,
} as const satisfies Record<keyof PhaseTimeouts, NumberRule>;

/** The `reconnect` option's rules; the backoff functions trust what they let through. */
const RECONNECT_RULES = {
  initialDelayMs: FINITE_DELAY, maxDelayMs: FINITE_DELAY, multiplier: GROWTH, longDelayFactor: GROWTH,
  maxAttempts: { min: 0, integer: true, allowInfinity: true }, minUptimeMs: { ...FINITE_DELAY, max: MAX_TIMER_DELAY_MS },
} as const satisfies Record<keyof BackoffOptions, NumberRule>;

/** The `rotation` option's delays, checked like every timer delay. */
const ROTATION_RULES = { lifetimeMs: TIMER_DELAY, marginMs: TIMER_DELAY_OR_ZERO } as const satisfies Record<keyof RotationOptions, NumberRule>;

/**
 * An options object of numbers (`timeouts`, `reconnect`, `rotation`): its keys are those of
 * `rules` (any other is refused), each checked by its rule, in the order of `rules`, and
 * `fallback` fills in what is not given (left out when it gives undefined).
 */
function numbersIn<K extends string>(name: string, value: unknown, rules: Readonly<Record<K, NumberRule>>, fallback: (key: K) => number | undefined): Record<K, number> {
  const given = nestedOptions(name, value, Object.keys(rules));
  const numbers: Partial<Record<K, number>> = {};
  for (const key in rules) {
    const number = numberOption(`${name}.${key}`, given[key], rules[key]) ?? fallback(key);
    if (number !== undefined) numbers[key] = number;
  }
  return numbers as Record<K, number>;
}

/** The `reconnect` option over {@link DEFAULT_BACKOFF}. */
function resolveBackoff(value: unknown): BackoffOptions {
  const backoff = numbersIn('reconnect', value, RECONNECT_RULES, (key) => DEFAULT_BACKOFF[key]);
  if (backoff.initialDelayMs > backoff.maxDelayMs) {
    throw new OptionsError('reconnect.initialDelayMs must not exceed reconnect.maxDelayMs');
  }
  return Object.freeze(backoff);
}

/**
 * Validates `createSession` options and fills in defaults, each option once: the layers below
 * (the machine, the request correlator, the stream registry, the backoff) trust what this returns.
 * Throws an OptionsError that names the option and the rule it broke.
 */
export function resolveOptions(options: SessionOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new OptionsError('options must be an object');
  rejectUnknownKeys('', options, SESSION_OPTION_KEYS);
  if (options.balancer === undefined && options.endpoint === undefined) {
    throw new OptionsError('balancer or endpoint is required');
  }
  if (options.balancer !== undefined && options.endpoint !== undefined) {
    throw new OptionsError('balancer and endpoint must not both be given');
  }
  const { codecs, createCodec } = resolveCodecs(options.codecs);
  const subprotocolNames = resolveSubprotocolNames(options.subprotocols, codecs);
  const backoff = resolveBackoff(options.reconnect);
  const timeouts = numbersIn('timeouts', options.timeouts, TIMEOUT_RULES, () => DEFAULT_TIMEOUT_MS);
  if (options.lazy !== undefined && typeof options.lazy !== 'boolean') throw new OptionsError('lazy must be a boolean');
  if (options.clientName !== undefined && (typeof options.clientName !== 'string' || options.clientName.length === 0)) {
    throw new OptionsError('clientName must be a non-empty string');
  }
  const heartbeatMs = numberOption('heartbeatMs', options.heartbeatMs, { min: MIN_HEARTBEAT_MS, allowInfinity: true, max: MAX_TIMER_DELAY_MS });
  const protocol = options.protocol ?? referenceProtocol();
  if (typeof protocol !== 'object' || protocol === null || typeof protocol.classify !== 'function' || typeof protocol.encodeRequest !== 'function') {
    throw new OptionsError('protocol must be a Protocol object');
  }
  if (options.auth !== undefined && protocol.usesAuth === false) {
    throw new OptionsError(`auth must not be given to the ${protocol.name} protocol`);
  }
  for (const name of ['WebSocket', 'fetch', 'random', 'now'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new OptionsError(`${name} must be a function`);
  }
  if (options.inspect !== undefined && !isInspector(options.inspect)) {
    throw new OptionsError('inspect must be a function or an observer');
  }
  return {
    codecs,
    createCodec,
    subprotocolNames,
    auth: resolveAuth(options.auth),
    backoff,
    closeCodes: validateCloseCodeOverrides(options.closeCodes ?? {}),
    timeouts,
    requestTimeoutMs: numberOption('requestTimeoutMs', options.requestTimeoutMs, POSITIVE) ?? DEFAULT_TIMEOUT_MS,
    maxMessageBytes: numberOption('maxMessageBytes', options.maxMessageBytes, POSITIVE) ?? 128 * 1024,
    maxInboundBytes: numberOption('maxInboundBytes', options.maxInboundBytes, COUNT) ?? DEFAULT_MAX_INBOUND_BYTES,
    maxQueuedRequests: numberOption('maxQueuedRequests', options.maxQueuedRequests, COUNT) ?? 1000,
    maxStreamsPerPacket: numberOption('maxStreamsPerPacket', options.maxStreamsPerPacket, COUNT) ?? 1000,
    unsubscribeLingerMs: numberOption('unsubscribeLingerMs', options.unsubscribeLingerMs, TIMER_DELAY_OR_ZERO) ?? 0,
    lazy: options.lazy ?? true,
    protocol,
    clientName: options.clientName ?? 'wirestate/0.1.0',
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    ...definedOnly({
      balancerUrl: urlOrProvider('balancer', options.balancer, 'http'),
      endpoint: urlOrProvider('endpoint', options.endpoint, 'ws'),
      heartbeatMs: heartbeatMs ?? protocol.defaultHeartbeatMs,
      maxFrameBytes: numberOption('maxFrameBytes', options.maxFrameBytes, POSITIVE),
      WebSocket: options.WebSocket,
      fetch: options.fetch,
      inspect: options.inspect,
      logger: options.logger === undefined ? undefined : (validateLogger(options.logger) as SessionLogger),
    }),
    rotation: resolveRotation(options.rotation, backoff.minUptimeMs),
  };
}

/** The `rotation` option: `false`, or its delays. */
function resolveRotation(value: unknown, minUptimeMs: number): RotationOptions | false {
  const rotation = value === false ? false : numbersIn('rotation', value, ROTATION_RULES, () => undefined);
  validateRotation(rotation, minUptimeMs);
  return rotation;
}
