/**
 * The browser suite's helpers: sessions on the browser's own WebSocket, closed after each test,
 * waits on their state, and a client of the control endpoint the global setup runs in Node.
 */
import { afterEach, inject } from 'vitest';
import { createSession, type Session, type SessionOptions } from '../../src/index.js';
import { recordSession, type RecordedSession } from '../helpers/session-waits.js';

export { waitForNextState, waitForState, type RecordedSession } from '../helpers/session-waits.js';
import type { BrowserServerName, BrowserServerUrls, ControlRequest } from './fixtures.js';

const sessions: Session[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

/** URLs of one of the reference servers the global setup started. */
export function serverUrls(name: BrowserServerName): BrowserServerUrls {
  return inject('wirestate').servers[name];
}

/** Small backoff and phase timeouts, so that a drop costs milliseconds. */
const FAST: Partial<SessionOptions> = {
  reconnect: { initialDelayMs: 5, maxDelayMs: 50 },
  timeouts: { balancerMs: 2_000, connectMs: 2_000, initializeMs: 2_000, authorizeMs: 2_000 },
};

/** Creates a session with the browser's WebSocket (no `WebSocket` option) and fast timings. */
export function openSession(options: SessionOptions): RecordedSession {
  const session = createSession({ ...FAST, ...options } as SessionOptions);
  sessions.push(session);
  return recordSession(session);
}

export { eventually } from '../helpers/eventually.js';

type WithoutServer<Request> = Request extends unknown ? Omit<Request, 'server'> : never;

/** Sends one action to the control endpoint and returns its result; throws what the endpoint reports. */
async function control(server: BrowserServerName, request: WithoutServer<ControlRequest>): Promise<unknown> {
  const response = await fetch(`${inject('wirestate').controlUrl}/control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ server, ...request }),
  });
  const body = (await response.json()) as { result?: unknown; error?: string };
  if (!response.ok) throw new Error(`control ${request.action} failed: ${body.error ?? response.status}`);
  return body.result;
}

/** One handshake as the server recorded it (the fields the tests read). */
export interface RecordedHandshake {
  readonly query: Readonly<Record<string, string>>;
  readonly protocols: readonly string[];
  readonly selectedProtocol?: string;
  readonly tokenTransport?: 'subprotocol' | 'query';
  readonly requestedResumeId?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly outcome: string;
}

/** The reference server `name`, driven from the browser through the control endpoint. */
export function remoteServer(name: BrowserServerName) {
  return {
    /** Publishes to every session subscribed to `stream`; resolves with how many got it. */
    publish: async (stream: string, data: unknown) => (await control(name, { action: 'publish', stream, data })) as number,
    hasSubscribers: async (stream: string) => (await control(name, { action: 'hasSubscribers', stream })) as boolean,
    /** Cuts the session's connection without a close frame (the browser sees 1006). */
    dropConnection: async (sessionId: string) => (await control(name, { action: 'dropConnection', sessionId })) as number,
    closeConnection: async (sessionId: string, code: number, reason = '') =>
      (await control(name, { action: 'closeConnection', sessionId, code, reason })) as number,
    handshakes: async () => (await control(name, { action: 'handshakes' })) as RecordedHandshake[],
  };
}

/** A stream name no other test uses, so that publishing to it reaches only this test's session. */
export function uniqueStream(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}@trade`;
}
