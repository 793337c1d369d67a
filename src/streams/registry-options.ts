import type { ProtocolRequest, ResponseError } from '../protocol/types.js';
import type { Timers } from './timers.js';

/** Options of `StreamRegistry`. */
export interface StreamRegistryOptions {
  /**
   * Sends a subscribe or unsubscribe request and resolves when the server confirms it; in a session
   * this is the request correlator. Both requests are safe to repeat, but a session does not let the
   * correlator re-send them after a drop: a request that fails with a ConnectionLostError is decided
   * again by the registry on the next ready, against the observers of that moment.
   */
  readonly call: (request: ProtocolRequest) => Promise<unknown>;
  /** Which of the requested names a refused subscribe concerns (the protocol's `failedStreams`). */
  readonly failedStreams: (error: ResponseError, requested: readonly string[]) => readonly string[];
  /**
   * Most stream names in one subscribe or unsubscribe request; more are split into several. 1000
   * names of up to about 100 characters stay under the reference protocol's 128 KiB message limit.
   * Should a packet still be refused as oversize, the registry halves the batch size and retries.
   * A positive integer, trusted as given (the session validates `maxStreamsPerPacket`).
   * @default 1000
   */
  readonly maxStreamsPerPacket?: number;
  /**
   * How long a stream stays subscribed on the server after its last observer left, in milliseconds.
   * With 0, the decision is taken at the end of the current tick: leaving and coming back in the same
   * tick (a UI re-mount) sends nothing. A positive value also absorbs slower churn (route changes)
   * at the cost of receiving unobserved messages for that long. Finite and not negative, trusted as
   * given (the session validates and clamps `unsubscribeLingerMs`).
   * @default 0
   */
  readonly lingerMs?: number;
  /**
   * Whether messages carry a session-wide `seq` that rises by one with every message: then the
   * registry keeps `lastSeq` (for resuming), drops messages that repeat the run already delivered
   * (duplicates after a replay), and reports a seq that jumps or goes back as a `SeqAnomalyError`
   * (delivered, with a gap). Turn it off for protocols without `seq`.
   * @default true
   */
  readonly trackSeq?: boolean;
  /** Timer functions for `lingerMs` (tests inject their own). @default the platform's timers */
  readonly timers?: Timers;
  /**
   * Receives non-fatal errors: a subscribe or unsubscribe that got no answer (it is retried), an
   * unsubscribe the server refused, or a `SeqAnomalyError`. A session forwards them to `errors$`.
   */
  readonly onError?: (error: Error) => void;
}

/** How a session became ready; see `StreamRegistry.sessionReady`. */
export interface SessionReadyInfo {
  /** The server kept the previous session: subscriptions and `seq` carry on, missed messages are replayed. */
  readonly resumed: boolean;
  /** The server started a new session: it holds no subscriptions and `seq` starts over. */
  readonly fresh: boolean;
}
