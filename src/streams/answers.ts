/**
 * What the answer to a subscribe or unsubscribe means for its streams: the registry's belief about
 * the server, updated here, and what the registry does next (in {@link FailureOutcome}).
 */
import { ConnectionLostError, OversizeMessageError, RequestTimeoutError, ServerError, SessionClosedError } from '../errors.js';
import type { StreamEntry } from './stream-entry.js';

/** Which request a batch of streams went out in. */
export type BatchKind = 'subscribe' | 'unsubscribe';

/** The server confirmed the batch: it now holds (or no longer holds) every stream in it. */
export function settleConfirmed(kind: BatchKind, batch: readonly StreamEntry[]): void {
  for (const entry of batch) {
    entry.inFlight = undefined;
    entry.presence = kind === 'subscribe' ? 'yes' : 'no';
    if (kind === 'subscribe') entry.resubscribing = false;
  }
}

/** What the registry does after {@link settleFailed}. */
export interface FailureOutcome {
  /** A subscribe the server refused: the protocol says which names it blames, and those fail. */
  readonly refusedSubscribe?: ServerError;
  /** The one stream too large to be subscribed ever: it fails. */
  readonly tooLarge?: StreamEntry;
  /** A smaller number of names per packet from now on. */
  readonly packetLimit?: number;
  /** Whether the error goes to `onError`. */
  readonly report: boolean;
  /** Whether to reconcile again at the end of the tick rather than at the next ready or change. */
  readonly flushNow: boolean;
}

/** A subscribe or unsubscribe failed with `error`: updates what the registry believes about its streams and says what follows. */
export function settleFailed(kind: BatchKind, batch: readonly StreamEntry[], error: Error): FailureOutcome {
  for (const entry of batch) entry.inFlight = undefined;
  if (error instanceof ServerError) {
    if (kind === 'subscribe') return { refusedSubscribe: error, report: false, flushNow: true };
    // Unsubscribing an unknown name is not an error in the protocol; retrying a refusal would loop.
    for (const entry of batch) entry.presence = 'no';
    return { report: true, flushNow: true };
  }
  if (error instanceof OversizeMessageError) {
    // Never sent. Smaller packets next time; a single name that is too large can never be subscribed.
    if (batch.length > 1) return { packetLimit: Math.max(1, Math.floor(batch.length / 2)), report: false, flushNow: true };
    if (kind === 'subscribe') return { tooLarge: batch[0]!, report: false, flushNow: true };
    batch[0]!.presence = 'no';
    return { report: false, flushNow: true };
  }
  // No answer: the server may or may not have acted on it.
  for (const entry of batch) entry.presence = 'maybe';
  return {
    report: !(error instanceof SessionClosedError || error instanceof ConnectionLostError),
    // A timeout is retried now (each attempt waits out its own timeout, so this cannot spin);
    // anything else waits for the next ready or the next change, so an error that repeats at once cannot loop.
    flushNow: error instanceof RequestTimeoutError,
  };
}
