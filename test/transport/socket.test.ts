import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { OptionsError } from '../../src/errors.js';
import { emitterSocketFeatures } from '../../src/transport/emitter-features.js';
import { openSocket } from '../../src/transport/socket.js';
import type { OpenSocketOptions, SocketConnection, WebSocketConstructor } from '../../src/transport/types.js';
import { BrowserLikeWebSocket } from './browser-like-websocket.js';
import { createSocketRecorder, settle } from './socket-recorder.js';
import type { SocketRecorder } from './socket-recorder.js';

let server: WebSocketServer;
let url: string;
const connections: SocketConnection[] = [];
const recorders: SocketRecorder[] = [];
const rawClients: WebSocket[] = [];

/** `ws`'s own class, wrapped only to keep hold of each raw socket for the assertions. */
class CapturingWebSocket extends WebSocket {
  constructor(address: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
    super(address, protocols, options);
    rawClients.push(this);
  }
}

beforeEach(async () => {
  server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (offered) => (offered.has('json.v1') ? 'json.v1' : false),
  });
  server.on('headers', (headers) => headers.push('Resume-Id: resume-1', 'Connection-Id: connection-1'));
  await once(server, 'listening');
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws?version=1`;
});

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.terminate();
  for (const recorder of recorders.splice(0)) recorder.dispose();
  for (const raw of rawClients.splice(0)) raw.terminate();
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function open(overrides: Partial<OpenSocketOptions> = {}) {
  const recorder = createSocketRecorder();
  recorders.push(recorder);
  // The features the Node entry passes for ws (they attach nothing to a browser-like socket).
  const connection = openSocket({ url, protocols: ['msgpack.v1', 'json.v1'], WebSocket: CapturingWebSocket, features: emitterSocketFeatures, ...overrides }, recorder.handlers);
  connections.push(connection);
  return { recorder, connection };
}

function nextServerConnection(): Promise<{ socket: WebSocket; request: IncomingMessage }> {
  return once(server, 'connection').then(([socket, request]) => ({ socket: socket as WebSocket, request: request as IncomingMessage }));
}

/** Waits for a raw socket's 'close' (events.once would reject on the 'error' that precedes it). */
function closedRaw(raw: WebSocket): Promise<void> {
  if (raw.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the raw socket did not close within 5 s')), 5_000);
    raw.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A port nothing listens on: bound once, then released. */
async function refusedPort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('openSocket over ws', () => {
  it('accepts ws and a browser-like class as constructors without casts', () => {
    const constructors: WebSocketConstructor[] = [WebSocket, BrowserLikeWebSocket];
    // The DOM's constructor type-checks too (Node 20 has none at run time, hence the optional).
    const platform: WebSocketConstructor | undefined = (globalThis as { WebSocket?: typeof globalThis.WebSocket }).WebSocket;
    expect([...constructors, platform].filter((candidate) => candidate !== undefined).length).toBeGreaterThanOrEqual(2);
  });

  it('reports the selected subprotocol and the Resume-Id and Connection-Id response headers', async () => {
    const { recorder } = open();
    const opened = await recorder.next('open');
    expect(opened.info).toEqual({ protocol: 'json.v1', resumeId: 'resume-1', connectionId: 'connection-1' });
    expect(rawClients[0]?.binaryType).toBe('nodebuffer');
    // Frames come from ws's own 'message' event, without the MessageEvent its onmessage would wrap.
    expect(rawClients[0]?.onmessage).toBeNull();
    expect(rawClients[0]?.listenerCount('message')).toBe(1);
  });

  it("sets 'arraybuffer' on sockets that are not EventEmitters, even ones that would keep any value", async () => {
    const created: Array<{ binaryType: string }> = [];
    class KeepsAnyValue extends BrowserLikeWebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        let value = 'blob';
        Object.defineProperty(this, 'binaryType', { get: () => value, set: (next: string) => (value = next), configurable: true });
        created.push(this);
      }
    }
    const { recorder } = open({ WebSocket: KeepsAnyValue });
    await recorder.next('open');
    expect(created[0]?.binaryType).toBe('arraybuffer');
  });

  it('sends request headers and offers the subprotocols in order', async () => {
    const accepted = nextServerConnection();
    const { recorder } = open({ headers: { 'Resume-Id': 'previous-resume' } });
    const { request } = await accepted;
    expect(request.headers['resume-id']).toBe('previous-resume');
    expect(request.headers['sec-websocket-protocol']?.split(/,\s*/)).toEqual(['msgpack.v1', 'json.v1']);
    await recorder.next('open');
  });

  it('delivers text frames as strings and binary frames as Uint8Arrays (ws Buffers as they are), and sends both', async () => {
    const accepted = nextServerConnection();
    const { recorder, connection } = open();
    const { socket } = await accepted;
    await recorder.next('open');

    const received: Array<{ data: Buffer; isBinary: boolean }> = [];
    const twoReceived = new Promise<void>((resolve) => {
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        received.push({ data, isBinary });
        if (received.length === 2) resolve();
      });
    });
    connection.send('{"id":1}');
    connection.send(new Uint8Array([1, 2, 3]));
    await twoReceived;
    expect(received.map(({ data, isBinary }) => ({ text: isBinary ? [...data] : data.toString('utf8'), isBinary }))).toEqual([
      { text: '{"id":1}', isBinary: false },
      { text: [1, 2, 3], isBinary: true },
    ]);

    socket.send('hello');
    socket.send(Buffer.from([4, 5, 6]));
    socket.close(1000, 'done');
    await recorder.next('close');
    const frames = recorder.events.flatMap((event) => (event.type === 'frame' ? [event.frame] : []));
    expect(frames[0]).toBe('hello');
    expect(frames[1]).toBeInstanceOf(Uint8Array);
    expect([...(frames[1] as Uint8Array)]).toEqual([4, 5, 6]);
    // The message listener goes with the close report.
    expect(rawClients[0]?.listenerCount('message')).toBe(0);
  });

  it("reports the server's close code and reason once, and nothing after it", async () => {
    const accepted = nextServerConnection();
    const { recorder } = open();
    const { socket } = await accepted;
    await recorder.next('open');
    socket.close(4001, 'bad token');
    const closed = await recorder.next('close');
    expect(closed.info).toEqual({ code: 4001, reason: 'bad token', wasClean: true });
    await settle();
    expect(recorder.types()).toEqual(['open', 'close']);
  });

  it('reports 1006, not clean, when the server drops the TCP connection', async () => {
    const accepted = nextServerConnection();
    const { recorder } = open();
    const { socket } = await accepted;
    await recorder.next('open');
    socket.terminate();
    const closed = await recorder.next('close');
    expect(closed.info.code).toBe(1006);
    expect(closed.info.wasClean).toBe(false);
    expect(recorder.types().filter((type) => type === 'close')).toHaveLength(1);
  });

  it('closes with the explicit code and reason, and reports the close', async () => {
    const accepted = nextServerConnection();
    const { recorder, connection } = open();
    const { socket } = await accepted;
    await recorder.next('open');
    const serverSaw = once(socket, 'close');
    connection.close(4000, 'client leaving');
    const [code, reason] = (await serverSaw) as [number, Buffer];
    expect(code).toBe(4000);
    expect(reason.toString('utf8')).toBe('client leaving');
    expect((await recorder.next('close')).info).toMatchObject({ code: 4000, wasClean: true });
  });

  it('sends codes a browser refuses (1002) as they are through ws', async () => {
    const accepted = nextServerConnection();
    const { recorder, connection } = open();
    const { socket } = await accepted;
    await recorder.next('open');
    const serverSaw = once(socket, 'close');
    connection.close(1002, 'unexpected subprotocol');
    expect((await serverSaw)[0]).toBe(1002);
  });

  it('refuses a close code no WebSocket may send, and send() before open', () => {
    const { connection } = open();
    expect(() => connection.close(1006)).toThrow(OptionsError);
    expect(() => connection.close(999)).toThrow(OptionsError);
    expect(() => connection.send('too early')).toThrow(/before the socket opened/);
  });

  it('reports only the close when closed while still connecting', async () => {
    const { recorder, connection } = open();
    connection.close(1000);
    const closed = await recorder.next('close');
    expect(closed.info.code).toBe(1006);
    await settle();
    expect(recorder.types()).toEqual(['close']);
  });

  it('fires no handler after terminate(), even when the server then sends and closes', async () => {
    const accepted = nextServerConnection();
    const { recorder, connection } = open();
    const { socket } = await accepted;
    await recorder.next('open');
    const serverSaw = once(socket, 'close');
    connection.terminate();
    socket.send('late');
    socket.close(4000, 'late close');
    const [code] = (await serverSaw) as [number];
    expect(code).toBe(1006);
    const raw = rawClients[0];
    if (raw !== undefined) await closedRaw(raw);
    await settle();
    expect(recorder.types()).toEqual(['open']);
    expect(() => connection.send('after terminate')).not.toThrow();
  });

  it('fires no handler and throws nothing when terminated while connecting', async () => {
    const { recorder, connection } = open();
    connection.terminate();
    const raw = rawClients[0];
    expect(raw).toBeDefined();
    if (raw !== undefined) await closedRaw(raw);
    await settle();
    expect(recorder.events).toEqual([]);
  });

  it('turns a constructor that throws into an asynchronous error then 1006, without the token', async () => {
    const { recorder } = open({ url: 'not a url?token=secret-token' });
    expect(recorder.events).toEqual([]);
    const closed = await recorder.next('close');
    expect(recorder.types()).toEqual(['error', 'close']);
    expect(closed.info).toEqual({ code: 1006, reason: '', wasClean: false });
    const { error } = await recorder.next('error');
    expect(error.message).toMatch(/^WebSocket constructor threw/);
    expect(error.message).not.toContain('secret-token');
    expect(error.cause).toBeUndefined();
  });

  it('reports nothing for a throwing constructor that was terminated first', async () => {
    const { recorder, connection } = open({ url: 'not a url' });
    connection.terminate();
    await settle();
    expect(recorder.events).toEqual([]);
  });

  it('reports an error then 1006 for a refused port', async () => {
    const port = await refusedPort();
    const { recorder } = open({ url: `ws://127.0.0.1:${port}/ws?token=secret-token` });
    const closed = await recorder.next('close');
    expect(recorder.types()).toEqual(['error', 'close']);
    expect(closed.info).toMatchObject({ code: 1006, wasClean: false });
    const { error } = await recorder.next('error');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('secret-token');
  });

  it('reports an HTTP refusal of the upgrade as an error then 1006', async () => {
    const refusing = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: () => false });
    await once(refusing, 'listening');
    try {
      const { recorder } = open({ url: `ws://127.0.0.1:${(refusing.address() as AddressInfo).port}/ws` });
      await recorder.next('close');
      expect(recorder.types()).toEqual(['error', 'close']);
      expect((await recorder.next('error')).error).toMatchObject({ httpStatus: 401 });
    } finally {
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });
});

describe('openSocket over a browser-like constructor', () => {
  it('reports the subprotocol without response headers, and frames', async () => {
    const accepted = nextServerConnection();
    const { recorder } = open({ WebSocket: BrowserLikeWebSocket });
    const { socket } = await accepted;
    expect((await recorder.next('open')).info).toEqual({ protocol: 'json.v1' });
    socket.send(Buffer.from([9]));
    const { frame } = await recorder.next('frame');
    expect([...(frame as Uint8Array)]).toEqual([9]);
  });

  it('says that browsers give no detail when the connection fails', async () => {
    const port = await refusedPort();
    const { recorder } = open({ url: `ws://127.0.0.1:${port}/ws`, WebSocket: BrowserLikeWebSocket });
    await recorder.next('close');
    expect(recorder.types()).toEqual(['error', 'close']);
    expect((await recorder.next('error')).error.message).toBe('WebSocket error');
  });

  it('falls back to a bare close (1005 at the server) for a code the browser refuses', async () => {
    const accepted = nextServerConnection();
    const { recorder, connection } = open({ WebSocket: BrowserLikeWebSocket });
    const { socket } = await accepted;
    await recorder.next('open');
    const serverSaw = once(socket, 'close');
    connection.close(1002, 'unexpected subprotocol');
    expect((await serverSaw)[0]).toBe(1005);
    await recorder.next('close');
  });

  it('terminates with a bare close and fires nothing afterwards', async () => {
    const accepted = nextServerConnection();
    const { recorder, connection } = open({ WebSocket: BrowserLikeWebSocket });
    const { socket } = await accepted;
    await recorder.next('open');
    const serverSaw = once(socket, 'close');
    connection.terminate();
    expect((await serverSaw)[0]).toBe(1005);
    await settle();
    expect(recorder.types()).toEqual(['open']);
  });
});
