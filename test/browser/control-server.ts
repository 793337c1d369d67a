/**
 * A tiny HTTP endpoint, run in Node by the browser suite's global setup, through which tests in the
 * browser reach the reference servers: publish a stream message, ask whether a stream has
 * subscribers, read handshake records, drop or close a session's connection. It listens on
 * 127.0.0.1 only and knows nothing but the actions of {@link ControlRequest}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestServer } from '../../src/testing/index.js';
import type { BrowserServerName, ControlRequest } from './fixtures.js';

/** A running control endpoint. */
export interface ControlServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Bodies are small JSON requests; anything larger is a mistake, not a request. */
const MAX_BODY_BYTES = 64 * 1024;

/** The test page runs on vitest's own origin, another port: every answer allows it. */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'content-type',
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('control request too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function perform(servers: ReadonlyMap<BrowserServerName, TestServer>, request: ControlRequest): unknown {
  const server = servers.get(request.server);
  if (server === undefined) throw new Error(`no server named ${JSON.stringify(request.server)}`);
  switch (request.action) {
    case 'publish':
      return server.publish(request.stream, request.data);
    case 'hasSubscribers':
      return server.hasSubscribers(request.stream);
    case 'dropConnection':
      return server.faults.dropConnection(request.sessionId);
    case 'closeConnection':
      return server.faults.closeConnection(request.sessionId, request.code, request.reason);
    case 'handshakes':
      return server.handshakes();
    default:
      throw new Error(`unknown action ${JSON.stringify((request as { action?: unknown }).action)}`);
  }
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...CORS_HEADERS, 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Starts the control endpoint on 127.0.0.1, a free port. */
export async function startControlServer(servers: ReadonlyMap<BrowserServerName, TestServer>): Promise<ControlServer> {
  const http: Server = createServer((request, response) => {
    if (request.method === 'OPTIONS') {
      response.writeHead(204, CORS_HEADERS);
      response.end();
      return;
    }
    if (request.method === 'GET' && request.url === '/no-cors/v1/websocket/server') {
      // A balancer that answers but does not allow the page's origin: the browser hides the answer.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ endpoint: 'ws://127.0.0.1:9/ws' }));
      return;
    }
    if (request.method !== 'POST' || request.url !== '/control') {
      answer(response, 404, { error: 'POST /control only' });
      return;
    }
    readBody(request)
      .then((body) => answer(response, 200, { result: perform(servers, JSON.parse(body) as ControlRequest) ?? null }))
      .catch((error: unknown) => answer(response, 400, { error: error instanceof Error ? error.message : String(error) }));
  });
  http.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
