import type { Observable, Subscription } from 'rxjs';
import type { Session, SessionOptions } from '../../src/node.js';
import type { ReceivedPacket, TestServer } from '../../src/testing/index.js';
import { eventually, openSession, waitForState } from '../helpers/session-harness.js';
import type { StreamsFixture } from './fixtures.js';

export type TestSession = ReturnType<typeof openSession>;

/** Opens a session against the fixture's server (closed after the test) and waits until it is authorized. */
export async function connect(fixture: StreamsFixture, server: TestServer, options: Partial<SessionOptions> = {}): Promise<TestSession> {
  const session = openSession({ ...fixture.sessionOptions(server), lazy: false, ...options } as SessionOptions);
  await waitForState(session, 'authorized');
  return session;
}

/** The stream names of a subscribe or unsubscribe packet. */
export function namesOf(packet: ReceivedPacket): string[] {
  const params = (packet.packet as { params?: unknown }).params;
  return Array.isArray(params) ? (params as string[]) : [];
}

/** The received packets of `method` (subscribe or unsubscribe), optionally only those naming `name`. */
export function requests(server: TestServer, method: string, name?: string): ReceivedPacket[] {
  return server.packets((packet) => packet.method === method && (name === undefined || namesOf(packet).includes(name)));
}

const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Waits until everything the session decided to send so far has reached the server and been
 * handled: the registry flushes at the end of a tick, and the server handles one connection's
 * packets in order, so the answer to an echo sent after that tick comes after every earlier packet
 * was handled. Twice, so that follow-ups sent on an answer (reconciliation) are covered too.
 */
export async function barrier(session: Session): Promise<void> {
  for (let round = 0; round < 2; round++) {
    await macrotask();
    // Idempotent: a drop racing the barrier re-sends it rather than failing it.
    await session.request('ECHO', 'barrier', { timeoutMs: 2_000, idempotent: true });
  }
  await macrotask();
}

/** The server's subscriptions of the session (by its session id, else the only connected server session). */
export function serverSubscriptions(server: TestServer, session: Session): Set<string> | undefined {
  let sessionId: string | undefined;
  const subscription = session.state$.subscribe((snapshot) => (sessionId = snapshot.sessionId));
  subscription.unsubscribe();
  const info = sessionId !== undefined ? server.session(sessionId) : onlyConnected(server);
  return info === undefined ? undefined : new Set(info.subscriptions);
}

function onlyConnected(server: TestServer) {
  const connected = server.sessions().filter((info) => info.connected);
  return connected.length === 1 ? connected[0] : undefined;
}

/** Waits until the server holds exactly `names` for the session. */
export async function untilServerHolds(server: TestServer, session: Session, names: Iterable<string>, timeoutMs = 3_000): Promise<void> {
  const expected = [...new Set(names)].sort();
  await eventually(
    () => {
      const held = serverSubscriptions(server, session);
      return held !== undefined && sameMembers([...held], expected);
    },
    () => `the server to hold [${expected.slice(0, 10).join(', ')}${expected.length > 10 ? ', …' : ''}] (it holds [${[...(serverSubscriptions(server, session) ?? [])].slice(0, 10).join(', ')}])`,
    timeoutMs,
  );
}

export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((item) => set.has(item));
}

/** Everything one observer saw. */
export interface Collected<T> {
  readonly values: T[];
  readonly errors: unknown[];
  completed: boolean;
  readonly subscription: Subscription;
}

/** Subscribes and records values, errors and completion. */
export function collect<T>(source: Observable<T>): Collected<T> {
  const values: T[] = [];
  const errors: unknown[] = [];
  const collected: { values: T[]; errors: unknown[]; completed: boolean; subscription?: Subscription } = { values, errors, completed: false };
  collected.subscription = source.subscribe({
    next: (value) => values.push(value),
    error: (error: unknown) => errors.push(error),
    complete: () => (collected.completed = true),
  });
  return collected as Collected<T>;
}

/** Whether an observer has finished (errored or completed). */
export function finished(collected: Collected<unknown>): boolean {
  return collected.completed || collected.errors.length > 0;
}

/** A sorted copy (numbers numerically, strings by code unit). */
export function sorted<T extends string | number>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
