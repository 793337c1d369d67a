/**
 * A raw `ws` client for the conformance tests: it speaks PROTOCOL.md by hand (encoding with the
 * format packages directly, not the library's codecs), so the tests check the server alone.
 */
import { decode as decodeMsgpack, encode as encodeMsgpack } from '@msgpack/msgpack';
import { deserialize as deserializeBson, serialize as serializeBson } from 'bson';
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import type { TestServer } from '../../src/testing/index.js';

export type WireFormat = 'json' | 'msgpack' | 'bson';

/** Options of one connection attempt. */
export interface RawConnectOptions {
  /** Query parameters; `version: '1'` is added unless `version` is set (null leaves it out). */
  readonly query?: Readonly<Record<string, string>>;
  readonly version?: string | null;
  readonly protocols?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  /** Whether ws answers pings by itself. @default true */
  readonly autoPong?: boolean;
  readonly path?: string;
}

/** A frame that arrived, decoded when it could be. */
export interface ReceivedFrame {
  readonly binary: boolean;
  readonly raw: Buffer;
  /** The decoded packet, or undefined when the frame did not decode. */
  readonly packet: Record<string, unknown> | undefined;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

const openClients = new Set<RawClient>();

/** Cuts every client still open; call in afterEach. */
export function terminateAllClients(): void {
  for (const client of openClients) client.terminate();
  openClients.clear();
}

function formatOf(protocol: string): WireFormat {
  if (protocol === 'msgpack.v1') return 'msgpack';
  if (protocol === 'bson.v1') return 'bson';
  return 'json';
}

export function encodeAs(format: WireFormat, packet: unknown): string | Uint8Array {
  if (format === 'json') return JSON.stringify(packet);
  if (format === 'msgpack') return encodeMsgpack(packet, { ignoreUndefined: true });
  return serializeBson(packet as Record<string, unknown>);
}

function decodeAs(format: WireFormat, raw: Buffer, binary: boolean): Record<string, unknown> | undefined {
  try {
    if (format === 'json') return binary ? undefined : (JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
    if (!binary) return undefined;
    if (format === 'msgpack') return decodeMsgpack(raw) as Record<string, unknown>;
    return deserializeBson(raw, { promoteValues: true }) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Builds the endpoint URL of a connection attempt. */
export function endpointFor(server: Pick<TestServer, 'endpointUrl'>, options: RawConnectOptions = {}): string {
  const url = new URL(options.path !== undefined ? server.endpointUrl.replace(/\/ws$/, options.path) : server.endpointUrl);
  const version = options.version === undefined ? '1' : options.version;
  if (version !== null) url.searchParams.set('version', version);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  return url.toString();
}

export class RawClient {
  readonly ws: WebSocket;
  readonly frames: ReceivedFrame[] = [];
  /** Packets received so far (decodable frames only). */
  readonly packets: Record<string, unknown>[] = [];
  /** Stream messages received so far. */
  readonly streamMessages: { stream: string; data: unknown; seq: number }[] = [];
  readonly pings: number[] = [];
  responseHeaders: IncomingHttpHeaders = {};
  format: WireFormat = 'json';
  readonly closed: Promise<CloseInfo>;
  #nextId = 1;
  readonly #listeners = new Set<() => void>();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    openClients.add(this);
    ws.on('upgrade', (response) => {
      this.responseHeaders = response.headers;
    });
    ws.on('message', (data, binary) => {
      const raw = data as Buffer;
      const packet = decodeAs(this.format, raw, binary);
      this.frames.push({ binary, raw, packet });
      if (packet !== undefined) {
        this.packets.push(packet);
        if ('stream' in packet) this.streamMessages.push(packet as { stream: string; data: unknown; seq: number });
      }
      for (const listener of [...this.#listeners]) listener();
    });
    ws.on('ping', () => {
      this.pings.push(Date.now());
    });
    ws.on('error', () => {
      // The close that follows is what tests look at.
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        openClients.delete(this);
        resolve({ code, reason: reason.toString() });
        for (const listener of [...this.#listeners]) listener();
      });
    });
  }

  /** Opens a connection; resolves once open, rejects when the handshake fails. */
  static connect(server: Pick<TestServer, 'endpointUrl'>, options: RawConnectOptions = {}): Promise<RawClient> {
    const ws = new WebSocket(endpointFor(server, options), [...(options.protocols ?? [])], {
      headers: { ...options.headers },
      autoPong: options.autoPong ?? true,
      perMessageDeflate: false,
    });
    const client = new RawClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        client.format = formatOf(ws.protocol);
        resolve(client);
      });
      ws.once('unexpected-response', (_request, response) => {
        openClients.delete(client);
        ws.terminate();
        reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode }));
      });
      ws.once('error', (error) => {
        openClients.delete(client);
        reject(error);
      });
    });
  }

  send(packet: unknown): void {
    this.ws.send(encodeAs(this.format, packet));
  }

  /** Sends a request and resolves with its response packet (result or error). */
  async request(method: string, params?: unknown, timeoutMs = 2_000): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    this.send(params === undefined ? { id, method } : { id, method, params });
    return this.waitFor((packet) => packet['id'] === id, timeoutMs);
  }

  /** Sends a request and resolves with its result; rejects with the error object otherwise. */
  async call(method: string, params?: unknown): Promise<unknown> {
    const response = await this.request(method, params);
    if ('error' in response) throw Object.assign(new Error(`${method} failed`), { response });
    return response['result'];
  }

  /** INITIALIZE with `client` filled in; resolves with the result. */
  async initialize(params: Record<string, unknown> = {}): Promise<InitializeResult> {
    return (await this.call('INITIALIZE', { client: 'raw-test/1.0', ...params })) as InitializeResult;
  }

  /** The first packet received (so far or later) matching `predicate`. */
  waitFor(predicate: (packet: Record<string, unknown>) => boolean, timeoutMs = 2_000): Promise<Record<string, unknown>> {
    return this.#until(() => this.packets.find(predicate), timeoutMs, 'a matching packet');
  }

  /** Resolves once `count` stream messages have arrived. */
  waitForStreamMessages(count: number, timeoutMs = 2_000): Promise<{ stream: string; data: unknown; seq: number }[]> {
    return this.#until(() => (this.streamMessages.length >= count ? this.streamMessages : undefined), timeoutMs, `${count} stream messages`);
  }

  /** Resolves once `count` frames (decodable or not) have arrived. */
  waitForFrames(count: number, timeoutMs = 2_000): Promise<ReceivedFrame[]> {
    return this.#until(() => (this.frames.length >= count ? this.frames : undefined), timeoutMs, `${count} frames`);
  }

  /** Resolves with the close, or rejects if it does not come in time. */
  async waitForClose(timeoutMs = 2_000): Promise<CloseInfo> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no close within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(code = 1000): void {
    this.ws.close(code);
  }

  terminate(): void {
    openClients.delete(this);
    this.ws.terminate();
  }

  #until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const found = check();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener = (): void => {
        const value = check();
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.ws.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`connection closed while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
      };
      this.#listeners.add(listener);
    });
  }
}

export interface InitializeResult {
  sessionId: string;
  resumeId: string;
  resumed: boolean;
  heartbeatMs: number;
  authRequired: boolean;
}

/** Connects and initializes; resolves with the client and the INITIALIZE result. */
export async function openSession(
  server: Pick<TestServer, 'endpointUrl'>,
  options: RawConnectOptions & { readonly initialize?: Record<string, unknown> } = {},
): Promise<{ client: RawClient; result: InitializeResult }> {
  const client = await RawClient.connect(server, options);
  const result = await client.initialize(options.initialize);
  return { client, result };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
