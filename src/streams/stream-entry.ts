import type { StreamObservers } from './observers.js';

/**
 * What a stream looks like to its users, from `session.streamState(name)`:
 *
 * - `subscribing`: it has observers and its first subscribe is not confirmed yet.
 * - `active`: it has observers and the server confirmed the subscription.
 * - `resubscribing`: it has observers and is being subscribed again on a fresh session; messages
 *   may have been missed (the registry also announces it on `gaps$`).
 * - `failed`: its last subscribe was refused; observers got the error. It stays `failed` until
 *   someone observes it again.
 * - `inactive`: nobody observes it.
 */
export type StreamState = 'subscribing' | 'active' | 'resubscribing' | 'failed' | 'inactive';

/**
 * What the registry believes about a stream on the server: `no` (not subscribed), `yes`
 * (confirmed), or `maybe` (a request about it got no answer, so the server may have acted on it or
 * not; the next flush sends whichever request makes the server agree with the observers, both of
 * which are harmless to repeat).
 */
export type ServerPresence = 'no' | 'yes' | 'maybe';

/** A batch of releases that share one linger timer. */
export interface LingerGroup {
  readonly entries: StreamEntry[];
}

/** The registry's bookkeeping for one stream name. */
export interface StreamEntry {
  readonly name: string;
  /** Who gets the stream's messages; emptied when a failure errors them or the registry closes. */
  subscribers: StreamObservers;
  /** Number of current subscribers: the stream is wanted on the server while this is above 0. */
  observers: number;
  presence: ServerPresence;
  /** The request about this stream that is awaiting its answer, if any (at most one at a time). */
  inFlight: 'subscribe' | 'unsubscribe' | undefined;
  /** Set on a fresh session for streams that had been subscribed; cleared when the server confirms. */
  resubscribing: boolean;
  /** While set, the last observer left less than `lingerMs` ago and the unsubscribe waits. */
  lingerGroup: LingerGroup | undefined;
  /** For diagnostics (`inspectStreams`): the `seq` of the last message delivered, how many were, and how many times `gaps$` named it. */
  lastSeq: number | undefined;
  messages: number;
  gaps: number;
}

/** Splits a list into consecutive chunks of at most `size` items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
