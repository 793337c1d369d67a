/**
 * The devtools' one message format: what the panel consumes, what `serveDevtools` sends over its
 * WebSocket (one JSON text frame per record) and what `recordSession` writes (one JSON line per
 * record). docs/visualization.md documents it for readers of recordings. Everything in a record is
 * already redacted: no token, password, license, query value or raw Resume-Id.
 */
import type { ChartModel } from './chart.js';

/** Version of the record format; a reader refuses records of a version it does not know. */
export const RECORD_FORMAT_VERSION = 1;

/** A close, as the context and the log show it. */
export interface CloseRecord {
  /** The WebSocket close code. */
  readonly code: number;
  /** The reason, with secrets scrubbed. */
  readonly reason: string;
  /** Whether the close handshake completed. */
  readonly wasClean?: boolean;
  /** Present on the final close: whether `close()` asked for it. */
  readonly clientRequested?: boolean;
}

/** The part of the session's context a person needs, redacted. */
export interface DevtoolsContext {
  /** Consecutive reconnect attempts since the session was last authorized. */
  readonly attempt: number;
  /** Delay of the pending reconnect in ms, while `reconnecting`. */
  readonly retryDelayMs?: number;
  /** When the pending reconnect fires (epoch ms), while `reconnecting`. */
  readonly nextRetryAt?: number;
  /** The negotiated codec. */
  readonly codec?: string;
  /** The balancer's `location`. */
  readonly location?: string;
  /** The endpoint without credentials, query or fragment (`wss://example.com/ws?…`). */
  readonly endpoint?: string;
  /** The server's session id. */
  readonly sessionId?: string;
  /** The `Connection-Id` of the current connection, where the platform can read it. */
  readonly connectionId?: string;
  /** The Resume-Id masked to its last 4 characters (`••••3f9a`). */
  readonly resumeId?: string;
  /** Whether the latest `authorized` continued the previous session. */
  readonly resumed: boolean;
  /** The last close the session saw. */
  readonly lastClose?: CloseRecord;
  /** Why the session ended, once closed. */
  readonly closed?: CloseRecord;
  /** The last error the machine recorded: its stable code and message. */
  readonly lastError?: {
    /** The error's stable code (`connection`, `timeout`, …). */
    readonly code: string;
    /** Its message, scrubbed. */
    readonly message: string;
  };
}

/** One stream, as the streams table shows it. */
export interface StreamRow {
  /** The stream's name. */
  readonly name: string;
  /** `subscribing`, `active`, `resubscribing`, `failed` or `inactive`. */
  readonly state: string;
  /** How many observers it has. */
  readonly observers: number;
  /** The `seq` of the last message delivered to it. */
  readonly lastSeq?: number;
  /** Messages delivered to it so far; the panel derives the rate from two samples. */
  readonly messages: number;
  /** How many times `gaps$` named it. */
  readonly gaps: number;
}

/**
 * The first record of a feed, and of every recording file: everything needed to draw the panel
 * from scratch.
 */
export interface HelloRecord {
  /** The record's kind. */
  readonly type: 'hello';
  /** The format version, {@link RECORD_FORMAT_VERSION}. */
  readonly v: number;
  /** Epoch ms. */
  readonly t: number;
  /** The chart of the session's machine. */
  readonly chart: ChartModel;
  /** Paths of the active states, outermost first. */
  readonly state: readonly string[];
  /** The session's state as `state$` names it (`resuming`, `authorized`); absent in recordings made before it was added. */
  readonly value?: string;
  /** The session's context, redacted. */
  readonly context: DevtoolsContext;
  /** Every stream the session holds. */
  readonly streams: readonly StreamRow[];
}

/** One step of the machine that moved it to other states or changed its close. */
export interface TransitionRecord {
  /** The record's kind. */
  readonly type: 'transition';
  /** Epoch ms. */
  readonly t: number;
  /** What triggered it, as the chart labels it: `SOCKET.CLOSED`, `after reconnectDelay`, `fetchEndpoint done`. */
  readonly event: string;
  /** Active leaf states before and after. */
  readonly from: readonly string[];
  /** Active leaf states after it. */
  readonly to: readonly string[];
  /** Ids of the chart edges taken (`<source>-><target>`). */
  readonly edges: readonly string[];
  /** Paths of the active states after it. */
  readonly state: readonly string[];
  /** The session's state after it, as `state$` names it; absent in recordings made before it was added. */
  readonly value?: string;
  /** The context after it, redacted. */
  readonly context: DevtoolsContext;
  /** The close that came with it, if this step saw one. */
  readonly close?: CloseRecord;
  /** The backoff delay it scheduled, on entering `reconnecting`. */
  readonly retryDelayMs?: number;
}

/** Streams that changed since the previous sample (all of them in the first). */
export interface StreamsRecord {
  /** The record's kind. */
  readonly type: 'streams';
  /** Epoch ms. */
  readonly t: number;
  /** The streams that changed, with their values now. */
  readonly rows: readonly StreamRow[];
  /** Streams that no longer exist in the session. */
  readonly removed?: readonly string[];
}

/** A non-fatal error from `session.errors$`. */
export interface ErrorRecord {
  /** The record's kind. */
  readonly type: 'error';
  /** Epoch ms. */
  readonly t: number;
  /** The error's stable code. */
  readonly code: string;
  /** Its message, scrubbed. */
  readonly message: string;
}

/** Streams `gaps$` named after a reconnect that could not resume. */
export interface GapRecord {
  /** The record's kind. */
  readonly type: 'gap';
  /** Epoch ms. */
  readonly t: number;
  /** The streams that may have missed messages. */
  readonly streams: readonly string[];
}

/** Every record of the format. */
export type DevtoolsRecord = HelloRecord | TransitionRecord | StreamsRecord | ErrorRecord | GapRecord;
