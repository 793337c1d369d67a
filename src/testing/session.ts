/** One server-side session: what survives a dropped connection for the resume window. Internal. */
import type { Codec } from '../codecs/codec.js';
import type { SessionInfo } from './records.js';
import { ReplayBuffer } from './replay-buffer.js';

/** What a session and the session registry need of the connection a session is attached to. */
export interface SessionConnection {
  readonly connectionId: string;
  /** The Resume-Id issued to this connection in its handshake. */
  readonly resumeId: string;
  readonly codec: Codec;
  /** Whether stream messages can be sent now (initialized, open, not silenced by a fault). */
  readonly deliverable: boolean;
  /** Encodes and sends one packet. */
  sendPacket(packet: object): void;
  /** Sends an already encoded frame. */
  sendFrame(frame: string | Uint8Array): void;
  /** Another connection resumed this connection's session. */
  closeForTakeover(): void;
}

/** A session as the server keeps it. Mutated only by the session registry and the method handlers. */
export class ServerSession {
  readonly sessionId: string;
  readonly client: string;
  readonly createdAt = Date.now();
  authorized: boolean;
  /** Subscribed streams; a Set keeps subscription order and makes re-subscribing a no-op. */
  readonly subscriptions = new Set<string>();
  /** Seq of the last stream message handed to this session (0 before the first). */
  seq = 0;
  readonly replay: ReplayBuffer;
  /** The connection it is attached to; undefined while held for a resume. */
  connection: SessionConnection | undefined;
  /** The Resume-Id that resumes this session now (the one issued to its latest connection). */
  resumeId: string | undefined;
  resumeCount = 0;
  /** Ends the resume window while the session is held. */
  expiryTimer: NodeJS.Timeout | undefined;
  /** Set once the session is forgotten; a forgotten session is never attached again. */
  forgotten = false;

  constructor(sessionId: string, client: string, authorized: boolean, replayBufferSize: number) {
    this.sessionId = sessionId;
    this.client = client;
    this.authorized = authorized;
    this.replay = new ReplayBuffer(replayBufferSize);
  }

  /** A snapshot for inspection. */
  info(): SessionInfo {
    const connection = this.connection;
    return {
      sessionId: this.sessionId,
      client: this.client,
      connected: connection !== undefined,
      ...(connection !== undefined ? { connectionId: connection.connectionId, codec: connection.codec.name } : {}),
      authorized: this.authorized,
      subscriptions: [...this.subscriptions],
      lastSeq: this.seq,
      buffered: this.replay.size,
      ...(this.resumeId !== undefined ? { resumeId: this.resumeId } : {}),
      resumeCount: this.resumeCount,
      createdAt: this.createdAt,
    };
  }
}
