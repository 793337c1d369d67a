import { definedOnly } from '../defined-only.js';
import type { CodecName } from '../codecs/codec.js';
import type { WirestateError } from '../errors.js';
import { redactUrl } from '../transport/redact-url.js';
import { publicStateName } from '../machine/session-machine.js';
import type { CloseInfo, ClosedReason, SessionContext, SessionStateName } from '../machine/types.js';

/**
 * What `session.state$` emits: enough for a UI to show the connection without reading the
 * machine's context.
 */
export interface SessionSnapshot {
  /** The session's state, by its public name (the machine's nested states mapped to it, see `docs/lifecycle.md`). */
  readonly value: SessionStateName;
  /**
   * Consecutive reconnect attempts since a connection last proved healthy (stayed authorized for
   * `reconnect.minUptimeMs`); 0 when healthy.
   */
  readonly attempt: number;
  /** When the pending reconnect fires (epoch ms), while `reconnecting`. */
  readonly nextRetryAt?: number;
  /** The last close code and reason the session saw (with the HTTP status of a refused upgrade, where the platform shows it). */
  readonly lastClose?: CloseInfo;
  /**
   * The latest failure of the current (re)connection, as reported on `errors$` (refused, HTTP 401,
   * a phase timeout, a provider or balancer failure), so a UI can say why it is retrying. Cleared
   * when the session is authorized again.
   */
  readonly lastFailure?: WirestateError;
  /** The endpoint in use or last used, with credentials and query values redacted (see `redactUrl`). */
  readonly endpoint?: string;
  /** The balancer's `location`, for diagnostics. */
  readonly location?: string;
  /** The server's session id, once initialized. */
  readonly sessionId?: string;
  /** The `Connection-Id` of the current connection, where the platform can read it. */
  readonly connectionId?: string;
  /** The negotiated codec. */
  readonly codec?: CodecName;
  /** Whether the latest `authorized` continued the previous session (a resume) rather than starting a fresh one. */
  readonly resumed: boolean;
  /** Why the session ended, once `closed`. */
  readonly closedReason?: ClosedReason;
  /** How many times a planned rotation replaced the connection (see the `rotation` option); absent before the first. */
  readonly rotations?: number;
}

/**
 * Reads a {@link SessionSnapshot} from a machine snapshot's `value` and `context`. Its `value` is
 * the public state name, not the machine's own (nested) state value: the chart runs a fresh connect
 * and a resume through the same states (`preparing`, then `connection` with `opening`,
 * `initializing`, `authorizing` and `authorized` inside) and tells them apart by
 * `context.resume`, while `state$` keeps the names `idle`, `resolving`, `connecting`,
 * `initializing`, `authorizing`, `authorized`, `resuming`, `reconnecting` and `closed`
 * (`publicStateName` maps one to the other: `preparing` and `opening` read `connecting`, or
 * `resuming` during a resume, as does `initializing`).
 */
export function toSessionSnapshot(machineValue: unknown, context: SessionContext): SessionSnapshot {
  const value = publicStateName(machineValue, context);
  return {
    value,
    attempt: context.attempt,
    resumed: context.resumed,
    ...definedOnly({
      nextRetryAt: value === 'reconnecting' ? context.nextRetryAt : undefined,
      lastClose: context.lastClose,
      lastFailure: context.lastFailure,
      // Credentials and query values (tickets, keys) never reach a UI or a log through state$.
      endpoint: context.endpoint === undefined ? undefined : redactUrl(context.endpoint),
      location: context.location,
      sessionId: context.sessionId,
      connectionId: context.connectionId,
      codec: context.codec,
      closedReason: context.closedReason,
      rotations: context.rotations === 0 ? undefined : context.rotations,
    }),
  };
}

/**
 * Whether two snapshots differ in anything a consumer can see: a field of one that the other lacks
 * or holds differently (snapshots never hold undefined, see `toSessionSnapshot`).
 */
export function snapshotChanged(previous: SessionSnapshot | undefined, next: SessionSnapshot): boolean {
  if (previous === undefined) return true;
  const keys = Object.keys(next) as (keyof SessionSnapshot)[];
  return keys.length !== Object.keys(previous).length || keys.some((key) => previous[key] !== next[key]);
}
