/**
 * What the test server records for inspection: handshakes, received packets, disconnects, balancer
 * requests and session changes. Each is also emitted as an event (see {@link TestServerEvents}).
 */
import type { CodecName } from '../codecs/codec.js';

/** How a handshake ended. */
export type HandshakeOutcome =
  /** Upgraded; the connection is open. */
  | 'accepted'
  /** Upgraded, then closed with `4001` because the token was rejected. */
  | 'unauthorized'
  /** The socket was destroyed or answered 503 by the `refuseConnections` fault. */
  | 'refused'
  /** Answered HTTP 400: `version` missing (when required) or unsupported. */
  | 'bad-version'
  /** Answered HTTP 404: not the endpoint's path. */
  | 'not-found'
  /** The client went away (or the server closed) before the upgrade completed. */
  | 'aborted';

/** One WebSocket handshake as the server saw it. Tokens never appear in it. */
export interface HandshakeRecord {
  /** Epoch ms when the upgrade request arrived. */
  readonly time: number;
  /** The `Connection-Id` given, when the upgrade went through. */
  readonly connectionId?: string;
  /** The request path, without the query. */
  readonly path: string;
  /** Query parameters, with the value of `token` replaced by `<redacted>`. */
  readonly query: Readonly<Record<string, string>>;
  /** `Sec-WebSocket-Protocol` entries offered, with `bearer.<token>` as `bearer.<redacted>`. */
  readonly protocols: readonly string[];
  /** The subprotocol the server selected, if any (never a bearer entry). */
  readonly selectedProtocol?: string;
  /** The codec in use: the selected one, or JSON when none was selected. */
  readonly codec: CodecName;
  /** How a token came, if one came. */
  readonly tokenTransport?: 'subprotocol' | 'query';
  /** The Resume-Id the client asked to resume (`resume=` query, else the `Resume-Id` header). */
  readonly requestedResumeId?: string;
  /** The `Resume-Id` response header sent, when the upgrade went through. */
  readonly issuedResumeId?: string;
  /** Request headers of interest (lower-case names): `resume-id`, `user-agent`, `origin`. */
  readonly headers: Readonly<Record<string, string>>;
  /** How it ended. */
  readonly outcome: HandshakeOutcome;
}

/** One packet the server received (decoded; recorded before it is checked or handled). */
export interface ReceivedPacket {
  /** Epoch ms of arrival. */
  readonly time: number;
  /** The connection it came on. */
  readonly connectionId: string;
  /** The session of the connection at arrival; absent before INITIALIZE has been answered. */
  readonly sessionId?: string;
  /** The decoded packet, as the client sent it. */
  readonly packet: unknown;
  /** `packet.method` when it is a string. */
  readonly method?: string;
  /** `packet.id` when it is a number. */
  readonly id?: number;
}

/** One closed connection. */
export interface DisconnectRecord {
  /** Epoch ms of the close. */
  readonly time: number;
  /** The connection that closed. */
  readonly connectionId: string;
  /** Its session, if it had one. */
  readonly sessionId?: string;
  /** The close code the server observed (1006 when the TCP connection ended without a close frame). */
  readonly code: number;
  /** The close reason observed (empty when none). */
  readonly reason: string;
  /** Who ended the connection first. */
  readonly initiatedBy: 'server' | 'client';
  /** The code the server closed with, when it initiated (also set for `terminate`, as 1006). */
  readonly serverCode?: number;
}

/** One HTTP request to the balancer port (every path and method, including 404s). */
export interface BalancerRequestRecord {
  /** Epoch ms of arrival. */
  readonly time: number;
  /** The HTTP method. */
  readonly method: string;
  /** The request path, without the query. */
  readonly path: string;
  /** HTTP status answered (0 when the client went away during an injected delay). */
  readonly status: number;
  /** The faults applied to this answer, if any. */
  readonly faults: readonly ('status' | 'malformed' | 'delay')[];
}

/** A change in the life of a session. */
export interface SessionEvent {
  /** What happened. */
  readonly type:
    /** A fresh session was created by INITIALIZE (plain-streams dialect: by a new connection). */
    | 'created'
    /** A held session was resumed (`resumed: true`). */
    | 'resumed'
    /** A session lost its connection and is held for the resume window. */
    | 'held'
    /** A held session's resume window ran out (plain-streams dialect: its connection closed); it is forgotten. */
    | 'expired'
    /** A held session was forgotten because its resume could not succeed (gap, injected rejection, restart). */
    | 'discarded';
  /** The session it happened to. */
  readonly sessionId: string;
  /** Epoch ms. */
  readonly time: number;
}

/** A snapshot of one session. */
export interface SessionInfo {
  /** The session's id, as INITIALIZE returned it. */
  readonly sessionId: string;
  /** The `client` given in INITIALIZE. */
  readonly client: string;
  /** Whether a connection is attached (false while held for a resume). */
  readonly connected: boolean;
  /** The attached connection, if any. */
  readonly connectionId?: string;
  /** Whether AUTHORIZE succeeded (or none was required). */
  readonly authorized: boolean;
  /** Subscribed streams, in subscription order. */
  readonly subscriptions: readonly string[];
  /** Seq of the last stream message of this session (0 before the first). */
  readonly lastSeq: number;
  /** How many stream messages are held for a replay. */
  readonly buffered: number;
  /** The Resume-Id that resumes this session now. */
  readonly resumeId?: string;
  /** Codec of the attached connection. */
  readonly codec?: CodecName;
  /** How many times it has been resumed. */
  readonly resumeCount: number;
  /** Epoch ms of creation. */
  readonly createdAt: number;
}

/** A snapshot of one open connection. */
export interface ConnectionInfo {
  /** The `Connection-Id` given in the handshake. */
  readonly connectionId: string;
  /** Its session, once INITIALIZE has been answered. */
  readonly sessionId?: string;
  /** The codec in use. */
  readonly codec: CodecName;
  /** The subprotocol selected, if any. */
  readonly selectedProtocol?: string;
  /** The Resume-Id issued in this connection's handshake. */
  readonly resumeId: string;
  /** `awaiting-initialize`, `initializing` (answer delayed by a fault), `ready` or `closing`. */
  readonly phase: 'awaiting-initialize' | 'initializing' | 'ready' | 'closing';
  /** Whether the `goSilent` fault is in effect. */
  readonly silent: boolean;
  /** Whether a token was accepted at the handshake. */
  readonly tokenAccepted: boolean;
  /** Epoch ms of the upgrade. */
  readonly openedAt: number;
  /** The client's port, to tell connections from the same host apart. */
  readonly remotePort?: number;
}

/** Counters since the server started (a restart does not reset them). */
export interface TestServerStats {
  /** Handshakes that reached the endpoint path. */
  readonly handshakes: number;
  /** Connections upgraded. */
  readonly connectionsOpened: number;
  /** Connections open now. */
  readonly connectionsOpen: number;
  /** `GET /v1/websocket/server` requests. */
  readonly balancerCalls: number;
  /** Packets decoded from clients. */
  readonly packetsReceived: number;
  /**
   * Messages dropped without an answer: undecodable or malformed ones and unknown methods in the
   * plain-streams dialect, and requests swallowed by the `ignoreRequests` fault.
   */
  readonly packetsIgnored: number;
  /** Frames sent to clients (responses, stream messages, events). */
  readonly framesSent: number;
  /** Stream messages handed to sessions by publish (one per subscribed session). */
  readonly streamMessages: number;
  /** Sessions created (fresh ones, including those after a rejected resume). */
  readonly sessionsCreated: number;
  /** Successful resumes. */
  readonly sessionsResumed: number;
  /** Sessions live or held now. */
  readonly sessionsOpen: number;
}

/** Every event of the server and its payload. */
export interface TestServerEvents {
  /** A handshake ended, however it ended. */
  readonly handshake: HandshakeRecord;
  /** A connection opened. */
  readonly connection: ConnectionInfo;
  /** A packet arrived. */
  readonly packet: ReceivedPacket;
  /** A connection closed. */
  readonly disconnect: DisconnectRecord;
  /** A session was created, resumed, held, expired or discarded. */
  readonly session: SessionEvent;
  /** The balancer port answered a request. */
  readonly balancer: BalancerRequestRecord;
  /** The server closed (`server.close()`); used by helpers such as the market simulator to stop. */
  readonly close: undefined;
}
