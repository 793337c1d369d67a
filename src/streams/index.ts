/**
 * The streams layer: the stream registry (ref-counted, batched, shared observables per stream with
 * re-subscribe and gap signals) and the request correlator (ids, timeouts, abort, ready queue).
 * Protocol-neutral: it builds `ProtocolRequest` objects and never names a wire method.
 *
 * @packageDocumentation
 */
export { createIdSource } from './ids.js';
export { RequestCorrelator } from './requests.js';
export type { RequestCorrelatorOptions, RequestOptions, SendRequest } from './requests.js';
export { StreamRegistry } from './registry.js';
export type { SessionReadyInfo, StreamRegistryOptions, StreamRegistryStats } from './registry.js';
export type { StreamState } from './stream-entry.js';
export { platformTimers, MAX_TIMER_DELAY_MS } from './timers.js';
export type { Timers } from './timers.js';
