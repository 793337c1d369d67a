import type { StreamState } from './stream-entry.js';

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
