import type { ClosedReason } from '../../machine/types.js';
import type { StreamState } from '../../streams/stream-entry.js';
import type { SessionSnapshot } from '../snapshot.js';
import { fromWireError, toWireError, type WireError } from './wire-error.js';

/**
 * The messages of a shared session's BroadcastChannel. Tabs send {@link TabMessage}s (with their
 * id in `from`), the leader's hub sends {@link HubMessage}s (with its id in `hub`); every tab sees
 * every message and ignores what is not for it.
 */

/** A closed reason whose error can cross the channel. */
export type WireClosedReason = Omit<ClosedReason, 'error'> & { readonly error?: WireError };

/** A snapshot whose closed reason can cross the channel. */
export type WireSnapshot = Omit<SessionSnapshot, 'closedReason'> & { readonly closedReason?: WireClosedReason };

/**
 * What the leader replicates to every tab so that any of them can take over: where the server
 * session is (the Resume-Id changes on every handshake, so this is sent whenever it changes), and
 * which streams it holds (to unsubscribe the ones nobody claims any more after a takeover). Each
 * tab adds its own `lastSeq`.
 */
export interface Handover {
  readonly endpoint?: string;
  readonly resumeId?: string;
  readonly sessionId?: string;
  /** The session has been ready: a replacement that cannot resume it means gaps. */
  readonly ready: boolean;
  /** The session has been started (a takeover starts the new one at once). */
  readonly started: boolean;
  readonly streams: readonly string[];
}

/** One stream message: the stream, its data, and its `seq` where the protocol has one. */
export type StreamItem = readonly [stream: string, data: unknown, seq: number | undefined];

/** A request's outcome as the hub answers it. */
export type WireOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: WireError };

/** From a tab to the hub. `version` counts the tab's claim changes, so the hub notices one it missed. */
export type TabMessage =
  | { readonly t: 'join'; readonly from: string }
  | { readonly t: 'claims'; readonly from: string; readonly version: number; readonly streams: readonly string[] }
  | { readonly t: 'want' | 'drop'; readonly from: string; readonly version: number; readonly stream: string }
  | { readonly t: 'pong'; readonly from: string; readonly version: number }
  | { readonly t: 'start'; readonly from: string }
  | {
      readonly t: 'request';
      readonly from: string;
      readonly id: number;
      readonly method: string;
      readonly params?: unknown;
      readonly timeoutMs: number;
      readonly idempotent: boolean;
    }
  | { readonly t: 'abort'; readonly from: string; readonly id: number }
  | { readonly t: 'bye'; readonly from: string };

/** From the hub to every tab. */
export type HubMessage =
  | { readonly t: 'hello' | 'state'; readonly hub: string; readonly snapshot: WireSnapshot }
  | { readonly t: 'handover'; readonly hub: string; readonly handover: Handover }
  /** Stream messages in arrival order (batched on the channel, one at a time to the leader's own tab). */
  | { readonly t: 'msgs'; readonly hub: string; readonly items: readonly StreamItem[] }
  | { readonly t: 'event'; readonly hub: string; readonly event: string; readonly data?: unknown }
  | { readonly t: 'error'; readonly hub: string; readonly error: WireError }
  | { readonly t: 'gaps'; readonly hub: string; readonly streams: readonly string[] }
  /** A fresh server session replaced the previous one: `seq` starts over, and messages of other hubs are stale. */
  | { readonly t: 'fresh'; readonly hub: string }
  | { readonly t: 'stream-error'; readonly hub: string; readonly stream: string; readonly error: WireError }
  | { readonly t: 'stream-states'; readonly hub: string; readonly states: ReadonlyArray<readonly [string, StreamState]> }
  | { readonly t: 'response'; readonly hub: string; readonly to: string; readonly id: number; readonly outcome: WireOutcome }
  | { readonly t: 'ping'; readonly hub: string }
  /** How far the session got: every message of a stream the tab holds up to `lastSeq` came before this. */
  | { readonly t: 'seq'; readonly hub: string; readonly lastSeq: number }
  /** The hub does not know the tab's claims (it expired, or a change was lost): the tab sends them all. */
  | { readonly t: 'resync'; readonly hub: string; readonly to: string; readonly expired: boolean }
  | { readonly t: 'closed'; readonly hub: string; readonly reason: WireClosedReason };

/** Either kind of message. */
export type SharedMessage = TabMessage | HubMessage;

export function toWireReason(reason: ClosedReason): WireClosedReason {
  const { error, ...rest } = reason;
  return error === undefined ? rest : { ...rest, error: toWireError(error) };
}

export function fromWireReason(reason: WireClosedReason): ClosedReason {
  const { error, ...rest } = reason;
  return error === undefined ? rest : { ...rest, error: fromWireError(error) as ClosedReason['error'] };
}

export function toWireSnapshot(snapshot: SessionSnapshot): WireSnapshot {
  const { closedReason, ...rest } = snapshot;
  return closedReason === undefined ? rest : { ...rest, closedReason: toWireReason(closedReason) };
}

export function fromWireSnapshot(snapshot: WireSnapshot): SessionSnapshot {
  const { closedReason, ...rest } = snapshot;
  return closedReason === undefined ? rest : { ...rest, closedReason: fromWireReason(closedReason) };
}
