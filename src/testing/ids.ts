import { randomUUID } from 'node:crypto';

/**
 * Issues the identifiers of one test server. Connection and session ids carry a counter so that
 * logs read in order; Resume-Ids are random, because a client must not be able to guess another
 * session's. Counters never restart, not even on a simulated restart, so an id is never reused.
 */
export class IdIssuer {
  #connections = 0;
  #sessions = 0;

  /** A new `Connection-Id`, for example `conn-7`. */
  connectionId(): string {
    return `conn-${++this.#connections}`;
  }

  /** A new session id, for example `sess-3-1f0c2a9e`. */
  sessionId(): string {
    return `sess-${++this.#sessions}-${randomUUID().slice(0, 8)}`;
  }

  /** A new, unguessable Resume-Id. */
  resumeId(): string {
    return randomUUID();
  }
}
