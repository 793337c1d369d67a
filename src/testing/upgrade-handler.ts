/**
 * The WebSocket side of the handshake: path and version checks, injected refusals and delays, the
 * token check, codec selection, the `Resume-Id` and `Connection-Id` response headers, and the
 * creation of the connection. Internal.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { createCodec } from '../codecs/index.js';
import { checkHandshakeToken } from './auth.js';
import { WebSocketConnection } from './connection.js';
import type { ServerContext } from './context.js';
import { describeRequest, readHandshake, versionProblem } from './handshake.js';
import { handlePacket } from './packet-handler.js';
import { handlePlainStreamsPacket, startPlainStreamsConnection } from './plain-streams-handler.js';
import type { HandshakeOutcome, HandshakeRecord } from './records.js';
import { SERVER_CLOSE_CODES } from './server-errors.js';

/** What was decided for a request by the time ws completes the upgrade. */
interface Admission {
  readonly connectionId: string;
  readonly resumeId: string;
  readonly selectedProtocol: string | undefined;
}

/** Answers an upgrade request with a plain HTTP error and ends the socket. */
function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export class UpgradeHandler {
  readonly #context: ServerContext;
  readonly #wss: WebSocketServer;
  readonly #admissions = new WeakMap<IncomingMessage, Admission>();
  /** Every socket that came through an upgrade request and is not closed yet. */
  readonly #sockets = new Set<Duplex>();
  #closing = false;

  constructor(context: ServerContext) {
    this.#context = context;
    const wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: context.options.maxMessageBytes,
      handleProtocols: (offered, request) => this.#selectProtocol(offered, request),
    });
    this.#wss = wss;
    wss.on('headers', (headers: string[], request: IncomingMessage) => {
      const admission = this.#admissions.get(request);
      // A plain-streams server has no sessions to resume and names no connections.
      if (admission === undefined || context.options.dialect === 'plain-streams') return;
      headers.push(`Resume-Id: ${admission.resumeId}`, `Connection-Id: ${admission.connectionId}`);
    });
  }

  /** The `handleProtocols` hook of the ws server: the subprotocol chosen earlier, never a bearer entry. */
  #selectProtocol(_offered: Set<string>, request: IncomingMessage): string | false {
    return this.#admissions.get(request)?.selectedProtocol ?? false;
  }

  /** Handles an `upgrade` event of the HTTP server. */
  readonly handle = (incoming: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => {
      // A reset by the client; the 'close' that follows does the cleanup.
    });
    if (this.#closing) {
      socket.destroy();
      return;
    }
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    void this.#admit(incoming, socket, head);
  };

  /** Stops accepting upgrades (the server is closing). */
  stopAccepting(): void {
    this.#closing = true;
  }

  /** Destroys every socket still open from an upgrade request and closes the ws server. */
  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    this.#wss.close();
  }

  async #admit(incoming: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const context = this.#context;
    const { options, faults } = context;
    const request = readHandshake(incoming, options);
    const described = describeRequest(request, incoming);
    const time = Date.now();
    const finish = (outcome: HandshakeOutcome, extra: Partial<HandshakeRecord> = {}): void => {
      const record: HandshakeRecord = { time, ...described, ...extra, outcome };
      context.recorder.handshake(record);
      context.events.emit('handshake', record);
    };

    if (request.path !== options.path) {
      rejectUpgrade(socket, 404, `no WebSocket endpoint at ${request.path}; use ${options.path}`);
      finish('not-found');
      return;
    }
    context.counters.handshakes++;
    const refusal = faults.refuseConnections.take();
    if (refusal !== undefined) {
      if (refusal === 'destroy') socket.destroy();
      else rejectUpgrade(socket, Number(refusal.slice('http-'.length)), 'refused by an injected fault');
      finish('refused');
      return;
    }
    const plain = options.dialect === 'plain-streams';
    // The plain-streams dialect has no version and no auth: neither is checked.
    const problem = plain ? undefined : versionProblem(request, options.requireVersion, options.protocolVersion);
    if (problem !== undefined) {
      rejectUpgrade(socket, 400, problem);
      finish('bad-version');
      return;
    }
    const delayMs = faults.delayHandshake.take();
    if (delayMs !== undefined) {
      const elapsed = await context.delays.wait(delayMs);
      if (!elapsed || this.#closing || socket.destroyed) {
        socket.destroy();
        finish('aborted');
        return;
      }
    }
    let tokenAccepted = false;
    let tokenRejected = false;
    if (request.token !== undefined && !plain) {
      let verdict: boolean;
      try {
        verdict = await checkHandshakeToken(options.auth, options.authRequired, request.token);
      } catch {
        verdict = false;
      }
      tokenAccepted = verdict;
      tokenRejected = !verdict;
      if (this.#closing || socket.destroyed) {
        socket.destroy();
        finish('aborted');
        return;
      }
    }

    // A server that ignores the offer: none selected means JSON on the wire (docs/protocol.md section 2).
    const forcedProtocol = faults.selectSubprotocol.take();
    const selectedProtocol = forcedProtocol === undefined ? request.selectedProtocol : forcedProtocol === false ? undefined : forcedProtocol;
    const codecName = forcedProtocol === false ? 'json' : request.codec;
    const admission: Admission = {
      connectionId: context.ids.connectionId(),
      resumeId: context.ids.resumeId(),
      selectedProtocol,
    };
    this.#admissions.set(incoming, admission);
    let upgraded = false;
    this.#wss.handleUpgrade(incoming, socket, head, (ws) => {
      upgraded = true;
      const { remoteAddress, remotePort } = socket as { remoteAddress?: string; remotePort?: number };
      const connection = new WebSocketConnection(
        context,
        plain ? handlePlainStreamsPacket : handlePacket,
        ws,
        socket,
        {
          connectionId: admission.connectionId,
          resumeId: admission.resumeId,
          requestedResumeId: request.requestedResumeId,
          codec: createCodec(codecName),
          selectedProtocol,
          tokenAccepted,
        },
        remotePort,
      );
      context.connections.add(connection);
      context.counters.connectionsOpened++;
      finish(tokenRejected ? 'unauthorized' : 'accepted', { connectionId: admission.connectionId, issuedResumeId: admission.resumeId });
      context.events.emit('connection', connection.info());
      // A browser cannot see an HTTP 401, only 1006: accept, then close with 4001 (docs/protocol.md section 2).
      if (tokenRejected) connection.close(SERVER_CLOSE_CODES.unauthorized, 'unauthorized: token rejected');
      if (plain) startPlainStreamsConnection(context, connection, remoteAddress, remotePort);
    });
    // ws destroys a socket whose client already went away without calling back.
    if (!upgraded) finish('aborted');
  }
}
