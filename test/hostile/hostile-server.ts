import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A small WebSocket server that misbehaves on purpose, the way real ones do: it selects whatever
 * subprotocol it is told to (or none), refuses upgrades with HTTP statuses, answers INITIALIZE and
 * then does whatever the test says. Every handshake is recorded with its time, so a test can check
 * the client's reconnect rate against its backoff.
 */
export interface HostileServer {
  readonly url: string;
  /** Handshakes (upgrade requests) received, in order, with the time each arrived (ms, Date.now). */
  readonly handshakes: { readonly at: number; readonly url: string; readonly protocols: readonly string[] }[];
  /** Open connections. */
  readonly sockets: Set<WebSocket>;
  close(): Promise<void>;
}

export interface HostileBehaviour {
  /** Answers the upgrade with this HTTP status instead of 101 (`undefined`: upgrade). */
  readonly refuseWith?: (handshakeIndex: number) => number | undefined;
  /** Answers the upgrade with these raw bytes instead (a broken 101, say); `undefined`: upgrade. */
  readonly rawResponse?: (request: IncomingMessage) => string | undefined;
  /** The subprotocol to select from the offer; `false` selects none. Defaults to the first offered. */
  readonly selectProtocol?: (offered: Set<string>) => string | false;
  /** Runs for each connection once upgraded. */
  readonly onConnection?: (socket: WebSocket, request: IncomingMessage, handshakeIndex: number) => void;
}

const servers: HostileServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.close();
});

/** Starts a hostile server on 127.0.0.1, port 0, closed after the test. */
export async function startHostileServer(behaviour: HostileBehaviour = {}): Promise<HostileServer> {
  const http: Server = createServer((_request, response) => response.writeHead(404).end());
  const sockets = new Set<WebSocket>();
  const handshakes: { at: number; url: string; protocols: string[] }[] = [];
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (behaviour.selectProtocol ?? ((set) => [...set][0] ?? false))(offered),
  });
  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const index = handshakes.length;
    const protocols = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((name) => name.trim()).filter(Boolean);
    handshakes.push({ at: Date.now(), url: request.url ?? '', protocols });
    const status = behaviour.refuseWith?.(index);
    const raw = status === undefined ? behaviour.rawResponse?.(request) : `HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;
    if (raw !== undefined) {
      socket.end(raw);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      behaviour.onConnection?.(ws, request, index);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const server: HostileServer = {
    url: `ws://127.0.0.1:${port}/ws`,
    handshakes,
    sockets,
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  servers.push(server);
  return server;
}

/** Answers the reference protocol's INITIALIZE (JSON) like a healthy server, then calls `then`. */
export function answerInitialize(socket: WebSocket, then: () => void = () => {}, result: Record<string, unknown> = {}): void {
  let sessions = 0;
  socket.on('message', (data) => {
    const packet = JSON.parse(String(data)) as { id: number; method: string };
    if (packet.method !== 'INITIALIZE') return;
    sessions++;
    socket.send(JSON.stringify({ id: packet.id, result: { sessionId: `s${sessions}`, resumeId: `r${Date.now()}`, resumed: false, heartbeatMs: 30_000, authRequired: false, ...result } }));
    then();
  });
}

/** A `random` option that draws every jitter at its ceiling: the backoff schedule is then exact, so gaps can be checked against it. */
export const atCeiling = (): number => 0.999_999;

/** The gaps between consecutive handshakes, in ms. */
export function gapsBetween(handshakes: readonly { readonly at: number }[]): number[] {
  return handshakes.slice(1).map((handshake, index) => handshake.at - (handshakes[index]?.at ?? handshake.at));
}
