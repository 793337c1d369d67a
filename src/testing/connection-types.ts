/**
 * What the rest of the test server sees of one connection. The WebSocket-backed implementation is
 * in connection.ts; everything else depends on this interface only, so imports run one way: the
 * upgrade handler creates a connection and hands it the packet handler, and neither the handlers
 * nor the session registry know the class. Internal.
 */
import type { ConnectionInfo } from './records.js';
import type { ServerSession, SessionConnection } from './session.js';

/** Where a connection is in its life: waiting for INITIALIZE, answering it, ready, or closing. */
export type ConnectionPhase = ConnectionInfo['phase'];

/** One upgraded connection, as the handlers, the registry, the faults and the server use it. */
export interface ServerConnection extends SessionConnection {
  readonly requestedResumeId: string | undefined;
  readonly selectedProtocol: string | undefined;
  readonly tokenAccepted: boolean;
  readonly openedAt: number;
  phase: ConnectionPhase;
  readonly silent: boolean;
  session: ServerSession | undefined;
  /** Packets that arrived while the INITIALIZE answer was delayed by a fault, handled once it is sent. */
  pending: unknown[] | undefined;
  /** Resolves once the connection is closed (close handshake done or TCP connection gone). */
  readonly closed: Promise<void>;
  /** Sends a response with a result. */
  respond(id: number, result: unknown): void;
  /** Sends a response with an error object. */
  respondError(id: number, code: number, message: string, data?: unknown): void;
  /** Closes with a close frame. Later calls do nothing. */
  close(code: number, reason: string): void;
  /** Ends the TCP connection without a close frame (the client sees 1006). */
  terminate(): void;
  /** Half-open simulation: stops reading and sending and every timer; the TCP connection stays open. */
  goSilent(): void;
  /** INITIALIZE has been answered: handle the packets that waited for it. */
  markReady(): void;
  /** INITIALIZE arrived in time, even if its answer is delayed: the init timeout no longer applies. */
  clearInitTimer(): void;
  /** A snapshot for inspection. */
  info(): ConnectionInfo;
}
