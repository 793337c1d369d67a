/**
 * One DevTools protocol connection to a browser, with the sessions of its targets multiplexed on it
 * (flat mode: a command names its session by `sessionId`). Events are ignored: the benches only
 * send commands and read their replies.
 */
import WebSocket from 'ws';
import { within } from './stats.js';

/** Bounds of connecting and of one command unless the caller gives its own. */
const CONNECT_LIMIT_MS = 30_000;
const CALL_LIMIT_MS = 30_000;

/** An open connection to the browser's DevTools endpoint. */
export interface DevtoolsConnection {
  /** Sends one command, to the browser or (with `sessionId`) to one attached target, and resolves with its result. */
  send<T>(method: string, params?: Record<string, unknown>, sessionId?: string, timeoutMs?: number): Promise<T>;
  /** Drops the connection; pending commands fail. */
  close(): void;
}

interface Reply {
  readonly id?: number;
  readonly result?: unknown;
  readonly error?: { readonly message: string };
}

/** Connects to `url` (the `ws://…/devtools/browser/…` address Chromium prints). */
export async function connectDevtools(url: string): Promise<DevtoolsConnection> {
  // No payload limit: a page's reply (a whole measurement) may be large.
  const socket = new WebSocket(url, { maxPayload: 0 });
  await within(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)), CONNECT_LIMIT_MS, 'the DevTools connection');
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  socket.on('message', (data) => {
    const reply = JSON.parse(String(data)) as Reply;
    const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
    if (waiter === undefined) return;
    pending.delete(reply.id as number);
    if (reply.error === undefined) waiter.resolve(reply.result);
    else waiter.reject(new Error(`DevTools: ${reply.error.message}`));
  });
  socket.on('close', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('the DevTools connection closed'));
    pending.clear();
  });
  let nextId = 1;
  return {
    send<T>(method: string, params: Record<string, unknown> = {}, sessionId?: string, timeoutMs = CALL_LIMIT_MS): Promise<T> {
      const id = nextId++;
      const reply = new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (result: unknown) => void, reject }));
      socket.send(JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) }));
      return within(reply, timeoutMs, `DevTools ${method}`).finally(() => pending.delete(id));
    },
    close() {
      socket.terminate();
    },
  };
}
