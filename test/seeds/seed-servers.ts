import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Servers that do only what one source document (/work/shared/seeds/) says, nothing more, so the
 * library's defaults for that document's dialect are tried against exactly that. Real sockets on
 * 127.0.0.1, port 0; every server is closed after its test.
 */
export interface SeedServer {
  readonly url: string;
  /** Open connections. */
  readonly sockets: Set<WebSocket>;
  /** Every client message, decoded as JSON when it is text (`undefined` when it was not JSON). */
  readonly received: unknown[];
  /** Handshakes received (request URLs), in order. */
  readonly handshakes: string[];
  /** Close codes the server sent, in order. */
  readonly closesSent: number[];
  close(): Promise<void>;
}

const servers: SeedServer[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()?.close();
});

interface Behaviour {
  readonly headers?: (index: number) => readonly string[];
  readonly onConnection: (socket: WebSocket, raw: Socket, server: SeedServer) => void;
}

async function startSeedServer(behaviour: Behaviour): Promise<SeedServer> {
  const http: Server = createServer((_request, response) => response.writeHead(404).end());
  // No permessage-deflate (ws's server default), so the frames seen on the wire are the client's
  // frames. An offered subprotocol is accepted (seed 004: the integration decides; it takes the
  // client's first choice); seed-003 clients offer none.
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => [...offered][0] ?? false });
  const sockets = new Set<WebSocket>();
  const server: SeedServer = {
    url: '',
    sockets,
    received: [],
    handshakes: [],
    closesSent: [],
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  wss.on('headers', (headers) => headers.push(...(behaviour.headers?.(server.handshakes.length - 1) ?? [])));
  http.on('upgrade', (request: IncomingMessage, raw: Socket, head: Buffer) => {
    server.handshakes.push(request.url ?? '');
    wss.handleUpgrade(request, raw, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data, isBinary) => {
        let packet: unknown;
        try {
          packet = isBinary ? undefined : JSON.parse(String(data));
        } catch {
          packet = undefined;
        }
        server.received.push(packet);
      });
      behaviour.onConnection(ws, raw, server);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  (server as { url: string }).url = `ws://127.0.0.1:${port}/ws`;
  servers.push(server);
  return server;
}

/** A seed-003 market-data server: what `publish` gives it is pushed to the connections that subscribed. */
export interface Seed003Server extends SeedServer {
  /** Pushes `{stream, data}` to every connection subscribed to `stream`. */
  publish(stream: string, data: unknown): void;
  /** Streams each open connection is subscribed to. */
  subscriptions(): string[][];
}

/**
 * Seed 003, and nothing more: a standard handshake (no subprotocol), client messages
 * `{method: SUBSCRIBE|UNSUBSCRIBE, params: [...], id}`, server messages `{stream, data}` only;
 * invalid messages are silently ignored; the server never answers a request (the document does
 * not say it does). ws answers ping frames with pongs, as any RFC 6455 server must.
 */
export async function startSeed003Server(): Promise<Seed003Server> {
  const subscribed = new Map<WebSocket, Set<string>>();
  const base = await startSeedServer({
    onConnection(socket) {
      const streams = new Set<string>();
      subscribed.set(socket, streams);
      socket.on('close', () => subscribed.delete(socket));
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        let packet: { method?: unknown; params?: unknown; id?: unknown };
        try {
          packet = JSON.parse(String(data)) as typeof packet;
        } catch {
          return;
        }
        if (typeof packet !== 'object' || packet === null || typeof packet.id !== 'number' || !Array.isArray(packet.params)) return;
        const names = packet.params.filter((name): name is string => typeof name === 'string');
        if (packet.method === 'SUBSCRIBE') for (const name of names) streams.add(name);
        else if (packet.method === 'UNSUBSCRIBE') for (const name of names) streams.delete(name);
      });
    },
  });
  return Object.assign(base, {
    publish(stream: string, data: unknown) {
      for (const [socket, streams] of subscribed) if (streams.has(stream)) socket.send(JSON.stringify({ stream, data }));
    },
    subscriptions: () => [...subscribed.values()].map((streams) => [...streams]),
  });
}

/** Options of {@link startSeed004Server}. */
export interface Seed004Options {
  /** The gateway closes a connection that received no message (data or ping frame) for this long. @default 600_000 */
  readonly idleMs?: number;
  /** The integration: its answer to one client message (a string goes out as text), or undefined for none. */
  readonly integration: (message: unknown) => unknown;
}

/** The API gateway's limits (seed 004). */
export const GATEWAY_MAX_FRAME_BYTES = 32 * 1024;
export const GATEWAY_MAX_MESSAGE_BYTES = 128 * 1024;

/**
 * Seed 004's API gateway, and nothing more: the 101 response carries
 * `X-Yc-Apigateway-Websocket-Connection-Id`; every client message goes to the integration and its
 * answer comes back as one message; a frame over 32 KB or a message over 128 KB closes the
 * connection with 1009; a connection that received nothing (no message, no ping frame) for the
 * idle limit is closed. Frame sizes are read from the client's frame headers on the wire.
 */
export async function startSeed004Server(options: Seed004Options): Promise<SeedServer & { readonly connectionIds: string[]; readonly largestFrame: () => number }> {
  const idleMs = options.idleMs ?? 600_000;
  const connectionIds: string[] = [];
  let largest = 0;
  const base = await startSeedServer({
    headers(index) {
      const id = `d0e${String(index + 1).padStart(5, '0')}`;
      connectionIds.push(id);
      return [`X-Yc-Apigateway-Websocket-Connection-Id: ${id}`];
    },
    onConnection(socket, raw, server) {
      const closeWith = (code: number, reason: string) => {
        if (socket.readyState !== socket.OPEN) return;
        server.closesSent.push(code);
        socket.close(code, reason);
      };
      watchFrameSizes(raw, (size) => {
        largest = Math.max(largest, size);
        if (size > GATEWAY_MAX_FRAME_BYTES) closeWith(1009, 'frame too large');
      });
      let idle: NodeJS.Timeout | undefined;
      const active = () => {
        clearTimeout(idle);
        idle = setTimeout(() => closeWith(1001, 'idle'), idleMs);
      };
      active();
      socket.on('close', () => clearTimeout(idle));
      socket.on('ping', active);
      socket.on('message', (data, isBinary) => {
        active();
        const size = (data as Buffer).byteLength;
        if (size > GATEWAY_MAX_MESSAGE_BYTES) return closeWith(1009, 'message too large');
        let message: unknown = data;
        if (!isBinary) {
          try {
            message = JSON.parse(String(data));
          } catch {
            message = String(data);
          }
        }
        const answer = options.integration(message);
        if (answer !== undefined && socket.readyState === socket.OPEN) socket.send(typeof answer === 'string' ? answer : JSON.stringify(answer));
      });
    },
  });
  return Object.assign(base, { connectionIds, largestFrame: () => largest });
}

/**
 * Reads RFC 6455 frame headers from the client's bytes as they arrive and reports each frame's
 * payload length (the payload is skipped, ws still reads everything itself).
 */
function watchFrameSizes(raw: Socket, onFrame: (payloadBytes: number) => void): void {
  let pending = Buffer.alloc(0);
  let skip = 0;
  raw.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (let guard = 0; guard < 100_000; guard++) {
      if (skip > 0) {
        const dropped = Math.min(skip, pending.length);
        pending = pending.subarray(dropped);
        skip -= dropped;
        if (skip > 0) return;
      }
      if (pending.length < 2) return;
      const short = pending[1]! & 0x7f;
      const masked = (pending[1]! & 0x80) !== 0;
      const extension = short === 126 ? 2 : short === 127 ? 8 : 0;
      const headerBytes = 2 + extension + (masked ? 4 : 0);
      if (pending.length < headerBytes) return;
      const length = short === 126 ? pending.readUInt16BE(2) : short === 127 ? Number(pending.readBigUInt64BE(2)) : short;
      onFrame(length);
      pending = pending.subarray(headerBytes);
      skip = length;
    }
  });
}
