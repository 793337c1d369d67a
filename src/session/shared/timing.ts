/**
 * The shared session's timing. Fixed rather than options: they trade how fast a dead tab's
 * streams are released against chatter on the channel, and no user has needed to tune them yet.
 */

/** How often the leader pings the tabs (each answers from its message handler, which background tabs do not throttle). */
export const PING_INTERVAL_MS = 1_000;

/** Pings a tab may leave unanswered in a row before it counts as gone (closed, crashed or frozen): about 4 s. */
export const MISSED_PINGS_ALLOWED = 3;

/** How long a new leader keeps the previous leader's streams subscribed while the tabs claim theirs again. */
export const TAKEOVER_HOLD_MS = 3_000;

/** How long a closing leader keeps its connection for the successor to take the session over. */
export const HANDOVER_GRACE_MS = 3_000;

/**
 * Added to the timeout a tab passes with a request to the leader: the tab's own timer decides (it
 * also runs while no leader is there), and the leader's copy only cleans up after it.
 */
export const REQUEST_TIMEOUT_SLACK_MS = 1_000;

/** How long a leader remembers a released stream as maybe still on the server (an unsubscribe takes a round trip). */
export const RELEASED_MEMORY_MS = 10_000;
