import { definedOnly } from '../defined-only.js';
import type { StreamEntry, StreamState } from './stream-entry.js';

/** One stream as diagnostics see it, from `session.inspectStreams()`. A copy: changing it changes nothing. */
export interface StreamInfo {
  /** The stream's name. */
  readonly name: string;
  /** Where it stands (see {@link StreamState}). */
  readonly state: StreamState;
  /** How many observers it has now. */
  readonly observers: number;
  /** The `seq` of the last message delivered to it; undefined before the first, or for protocols without `seq`. */
  readonly lastSeq?: number;
  /** Messages delivered to its observers so far. */
  readonly messages: number;
  /** How many times `gaps$` named it. */
  readonly gaps: number;
}

/**
 * Where one stream stands for its users (see {@link StreamState}), from the registry's entry for
 * it (undefined when it holds none) and whether its last subscribe was refused.
 */
export function streamStateOf(entry: StreamEntry | undefined, failed: boolean): StreamState {
  if (entry !== undefined && entry.observers > 0) {
    if (entry.presence === 'yes' && entry.inFlight === undefined) return 'active';
    return entry.resubscribing ? 'resubscribing' : 'subscribing';
  }
  return failed ? 'failed' : 'inactive';
}

/** The diagnostics row of one entry: a copy, so changing it changes nothing. */
export function streamInfoOf(entry: StreamEntry, state: StreamState): StreamInfo {
  return {
    name: entry.name,
    state,
    observers: entry.observers,
    ...definedOnly({ lastSeq: entry.lastSeq }),
    messages: entry.messages,
    gaps: entry.gaps,
  };
}
