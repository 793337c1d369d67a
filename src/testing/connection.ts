/**
 * One upgraded WebSocket connection: decoding, the connection's timers (init timeout, heartbeat,
 * idle, lifetime), sending with write coalescing, and closing. Packets go to the packet handler
 * the upgrade handler passes in, so this file knows no handler. Internal.
 */
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { RawData } from 'ws';
import type { Codec } from '../codecs/codec.js';
import { CLOSE_CODES } from '../constants.js';
import type { ConnectionPhase, ServerConnection } from './connection-types.js';
import type { ServerContext } from './context.js';
import { FrameWriter } from './frame-writer.js';
import type { ConnectionInfo, ReceivedPacket } from './records.js';
import { SERVER_CLOSE_CODES } from './server-errors.js';
import type { ServerSession } from './session.js';

/** Handles one decoded packet of a connection (the reference or the plain-streams dialect's handler). */
export type PacketHandler = (context: ServerContext, connection: ServerConnection, packet: unknown) => void;

/** What the handshake settled for a connection. */
export interface ConnectionSetup {
  readonly connectionId: string;
  /** The Resume-Id issued in the handshake response. */
  readonly resumeId: string;
  /** The Resume-Id the client asked to resume, if any. */
  readonly requestedResumeId: string | undefined;
  readonly codec: Codec;
  readonly selectedProtocol: string | undefined;
  readonly tokenAccepted: boolean;
}

/** A {@link ServerConnection} over a `ws` WebSocket. */
export class WebSocketConnection implements ServerConnection {
  readonly connectionId: string;
  readonly resumeId: string;
  readonly requestedResumeId: string | undefined;
  readonly codec: Codec;
  readonly selectedProtocol: string | undefined;
  readonly tokenAccepted: boolean;
  readonly openedAt = Date.now();
  phase: ConnectionPhase = 'awaiting-initialize';
  silent = false;
  session: ServerSession | undefined;
  /** Packets that arrived while the INITIALIZE answer was delayed by a fault, handled once it is sent. */
  pending: unknown[] | undefined;
  /** Resolves once the connection is closed (close handshake done or TCP connection gone). */
  readonly closed: Promise<void>;
  #resolveClosed!: () => void;

  readonly #context: ServerContext;
  readonly #handlePacket: PacketHandler;
  readonly #ws: WebSocket;
  readonly #writer: FrameWriter;
  readonly #remotePort: number | undefined;
  #serverCloseCode: number | undefined;
  #failedByProtocolError = false;
  #awaitingPong = false;
  #lastActivity = Date.now();
  #initTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #lifetimeTimer: NodeJS.Timeout | undefined;

  constructor(context: ServerContext, handlePacket: PacketHandler, ws: WebSocket, socket: Duplex, setup: ConnectionSetup, remotePort: number | undefined) {
    this.#context = context;
    this.#handlePacket = handlePacket;
    this.#ws = ws;
    this.#writer = new FrameWriter(socket, () => this.#ws.readyState === WebSocket.OPEN, (buffered) => {
      const limit = context.options.maxBufferedBytes;
      if (limit > 0 && buffered > limit) this.close(SERVER_CLOSE_CODES.tryAgainLater, 'slow consumer');
    });
    this.#remotePort = remotePort;
    this.connectionId = setup.connectionId;
    this.resumeId = setup.resumeId;
    this.requestedResumeId = setup.requestedResumeId;
    this.codec = setup.codec;
    this.selectedProtocol = setup.selectedProtocol;
    this.tokenAccepted = setup.tokenAccepted;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });

    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('ping', () => {
      this.#lastActivity = Date.now();
    });
    ws.on('pong', () => {
      this.#awaitingPong = false;
    });
    // ws closes the connection itself after a protocol error (1009 oversize, 1007 bad UTF-8, 1002).
    ws.on('error', () => {
      this.#failedByProtocolError = true;
    });
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString()));
    this.#startTimers();
  }

  /** Whether stream messages can be sent now (initialized, open, not silenced by a fault). */
  get deliverable(): boolean {
    return this.phase === 'ready' && !this.silent && this.#ws.readyState === WebSocket.OPEN;
  }

  /** Encodes and sends one packet. */
  sendPacket(packet: object): void {
    if (this.silent || this.#ws.readyState !== WebSocket.OPEN) return;
    this.sendFrame(this.codec.encode(packet));
  }

  /** Sends a response with a result. */
  respond(id: number, result: unknown): void {
    this.sendPacket({ id, result });
  }

  /** Sends a response with an error object. */
  respondError(id: number, code: number, message: string, data?: unknown): void {
    this.sendPacket({ id, error: data === undefined ? { code, message } : { code, message, data } });
  }

  /**
   * Sends an encoded frame (text for strings, binary for bytes). Frames of one tick are written
   * together (see {@link FrameWriter}).
   */
  sendFrame(frame: string | Uint8Array): void {
    if (this.silent || this.#ws.readyState !== WebSocket.OPEN) return;
    this.#writer.enqueue(frame);
    this.#context.counters.framesSent++;
  }

  /** Closes with a close frame. Later calls do nothing. */
  close(code: number, reason: string): void {
    if (this.phase === 'closing') return;
    this.phase = 'closing';
    this.#serverCloseCode = code;
    this.#stopTimers();
    // A silenced connection must not send a close frame either; a test that closes it explicitly
    // wants it gone, so it is resumed for the close handshake.
    if (this.silent) this.#ws.resume();
    // Frames sent before the close must reach the client before the close frame.
    this.#writer.flush();
    this.#ws.close(code, reason);
  }

  /** Ends the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    this.phase = 'closing';
    this.#serverCloseCode ??= CLOSE_CODES.Abnormal;
    this.#stopTimers();
    this.#writer.discard();
    this.#ws.terminate();
  }

  /** Another connection resumed this connection's session. */
  closeForTakeover(): void {
    if (this.silent) this.terminate();
    else this.close(SERVER_CLOSE_CODES.sessionTakenOver, 'session taken over');
  }

  /**
   * Half-open simulation: stops reading (so pings go unanswered and packets unhandled) and sending,
   * stops every timer, and keeps the TCP connection open.
   */
  goSilent(): void {
    if (this.silent || this.phase === 'closing') return;
    // What was sent before going silent still goes out, as it would have on a real network.
    this.#writer.flush();
    this.silent = true;
    this.#stopTimers();
    this.#ws.pause();
  }

  /** INITIALIZE has been answered: handle the packets that waited for it. */
  markReady(): void {
    if (this.phase === 'closing') return;
    this.phase = 'ready';
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    for (const packet of pending) {
      if (this.phase !== 'ready') return;
      this.#dispatch(packet);
    }
  }

  /** INITIALIZE arrived in time, even if its answer is delayed: the init timeout no longer applies. */
  clearInitTimer(): void {
    clearTimeout(this.#initTimer);
    this.#initTimer = undefined;
  }

  info(): ConnectionInfo {
    return {
      connectionId: this.connectionId,
      ...(this.session !== undefined ? { sessionId: this.session.sessionId } : {}),
      codec: this.codec.name,
      ...(this.selectedProtocol !== undefined ? { selectedProtocol: this.selectedProtocol } : {}),
      resumeId: this.resumeId,
      phase: this.phase,
      silent: this.silent,
      tokenAccepted: this.tokenAccepted,
      openedAt: this.openedAt,
      ...(this.#remotePort !== undefined ? { remotePort: this.#remotePort } : {}),
    };
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (this.phase === 'closing' || this.silent) return;
    this.#lastActivity = Date.now();
    // Seed 003: "Non-JSON or improperly formatted messages are silently ignored."
    const plain = this.#context.options.dialect === 'plain-streams';
    if (isBinary !== (this.codec.frameType === 'binary')) {
      if (plain) this.#context.counters.packetsIgnored++;
      else this.close(SERVER_CLOSE_CODES.invalidData, `expected ${this.codec.frameType} frames for ${this.codec.name}`);
      return;
    }
    // Without a binaryType set, ws hands every message over as one Buffer.
    const bytes = data as Buffer;
    const decoded = this.codec.decode(isBinary ? bytes : bytes.toString('utf8'));
    if (!decoded.ok) {
      if (plain) this.#context.counters.packetsIgnored++;
      else this.close(SERVER_CLOSE_CODES.invalidData, 'undecodable frame');
      return;
    }
    const packet = decoded.value;
    const method = this.#record(packet);
    if (this.#context.faults.ignoreRequests.takeIf((rule) => method !== undefined && (rule.methods === undefined || rule.methods.includes(method))) !== undefined) {
      this.#context.counters.packetsIgnored++;
      return;
    }
    if (this.phase === 'initializing') {
      this.pending?.push(packet);
      return;
    }
    this.#dispatch(packet);
  }

  #dispatch(packet: unknown): void {
    this.#handlePacket(this.#context, this, packet);
  }

  /** Records a received packet; returns its method when it has one. */
  #record(packet: unknown): string | undefined {
    const context = this.#context;
    context.counters.packetsReceived++;
    const fields = typeof packet === 'object' && packet !== null ? (packet as { method?: unknown; id?: unknown }) : {};
    const method = typeof fields.method === 'string' ? fields.method : undefined;
    const wanted = context.options.maxRecordedPackets > 0 || context.events.has('packet');
    if (!wanted) return method;
    const record: ReceivedPacket = {
      time: Date.now(),
      connectionId: this.connectionId,
      ...(this.session !== undefined ? { sessionId: this.session.sessionId } : {}),
      packet,
      ...(method !== undefined ? { method } : {}),
      ...(typeof fields.id === 'number' ? { id: fields.id } : {}),
    };
    context.recorder.packet(record);
    context.events.emit('packet', record);
    return method;
  }

  #onClose(code: number, reason: string): void {
    this.phase = 'closing';
    this.#stopTimers();
    const context = this.#context;
    context.connections.delete(this);
    const serverCode = this.#serverCloseCode ?? (this.#failedByProtocolError ? code : undefined);
    const record = {
      time: Date.now(),
      connectionId: this.connectionId,
      ...(this.session !== undefined ? { sessionId: this.session.sessionId } : {}),
      code,
      reason,
      initiatedBy: serverCode !== undefined ? ('server' as const) : ('client' as const),
      ...(serverCode !== undefined ? { serverCode } : {}),
    };
    context.recorder.disconnect(record);
    if (this.session !== undefined) context.sessions.hold(this.session, this);
    this.#resolveClosed();
    context.events.emit('disconnect', record);
  }

  #startTimers(): void {
    const options = this.#context.options;
    // The plain-streams dialect has no INITIALIZE to wait for.
    if (options.dialect === 'reference') {
      this.#initTimer = setTimeout(() => {
        this.#initTimer = undefined;
        if (this.phase === 'awaiting-initialize') this.close(SERVER_CLOSE_CODES.initTimeout, 'initialize timeout');
      }, options.initTimeoutMs);
    }
    if (options.pingFrames) this.#heartbeatTimer = setInterval(this.#heartbeat, options.heartbeatMs);
    if (options.idleTimeoutMs > 0) this.#idleTimer = setTimeout(this.#checkIdle, options.idleTimeoutMs);
    if (options.maxLifetimeMs > 0) {
      this.#lifetimeTimer = setTimeout(() => this.close(SERVER_CLOSE_CODES.goingAway, 'max lifetime reached'), options.maxLifetimeMs);
    }
  }

  readonly #heartbeat = (): void => {
    if (this.#awaitingPong) {
      this.close(SERVER_CLOSE_CODES.policyViolation, 'missed pong');
      return;
    }
    this.#awaitingPong = true;
    this.#ws.ping();
  };

  /** Re-arms itself for the remaining time instead of resetting a timer on every message. */
  readonly #checkIdle = (): void => {
    const idleTimeoutMs = this.#context.options.idleTimeoutMs;
    const idleFor = Date.now() - this.#lastActivity;
    if (idleFor >= idleTimeoutMs) {
      this.#idleTimer = undefined;
      this.close(SERVER_CLOSE_CODES.goingAway, 'idle timeout');
      return;
    }
    this.#idleTimer = setTimeout(this.#checkIdle, idleTimeoutMs - idleFor);
  };

  #stopTimers(): void {
    clearTimeout(this.#initTimer);
    clearInterval(this.#heartbeatTimer);
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#lifetimeTimer);
    this.#initTimer = this.#heartbeatTimer = this.#idleTimer = this.#lifetimeTimer = undefined;
  }
}
