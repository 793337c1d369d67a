/**
 * Every live or held session of a test server, the Resume-Id index, and the stream-to-subscribers
 * index that makes publish a Map lookup. Internal.
 */
import type { ServerCounters } from './counters.js';
import type { IdIssuer } from './ids.js';
import type { SessionEvent, TestServerEvents } from './records.js';
import { ServerSession, type SessionConnection } from './session.js';
import type { TypedEvents } from './typed-events.js';

/** Settings the registry needs. */
export interface SessionRegistrySettings {
  readonly replayBufferSize: number;
  readonly resumeWindowMs: number;
  /** `plain-streams` sends stream messages without `seq`. */
  readonly dialect: 'reference' | 'plain-streams';
}

/**
 * The JSON text of a stream message up to its seq, so that a publish to many JSON sessions
 * serializes the payload once and only appends each session's seq. Undefined data has no JSON
 * form; such messages go through the codec, which leaves `data` out as the JSON codec does.
 */
function jsonStreamPrefix(stream: string, data: unknown): string | undefined {
  const dataText: string | undefined = JSON.stringify(data);
  if (dataText === undefined) return undefined;
  return `{"stream":${JSON.stringify(stream)},"data":${dataText},"seq":`;
}

export class SessionRegistry {
  readonly #settings: SessionRegistrySettings;
  readonly #ids: IdIssuer;
  readonly #events: TypedEvents<TestServerEvents>;
  readonly #counters: ServerCounters;
  readonly #sessions = new Map<string, ServerSession>();
  readonly #byResumeId = new Map<string, ServerSession>();
  readonly #subscribers = new Map<string, Set<ServerSession>>();

  constructor(settings: SessionRegistrySettings, ids: IdIssuer, events: TypedEvents<TestServerEvents>, counters: ServerCounters) {
    this.#settings = settings;
    this.#ids = ids;
    this.#events = events;
    this.#counters = counters;
  }

  /** Number of live and held sessions. */
  get size(): number {
    return this.#sessions.size;
  }

  get(sessionId: string): ServerSession | undefined {
    return this.#sessions.get(sessionId);
  }

  all(): IterableIterator<ServerSession> {
    return this.#sessions.values();
  }

  /** Streams with at least one subscribed session. */
  subscribedStreams(): string[] {
    return [...this.#subscribers.keys()];
  }

  hasSubscribers(stream: string): boolean {
    return this.#subscribers.has(stream);
  }

  /** Creates a fresh session (seq 0, no subscriptions). */
  create(client: string, authorized: boolean): ServerSession {
    const session = new ServerSession(this.#ids.sessionId(), client, authorized, this.#settings.replayBufferSize);
    this.#sessions.set(session.sessionId, session);
    this.#counters.sessionsCreated++;
    this.#emit('created', session);
    return session;
  }

  /**
   * Looks up the session a Resume-Id resumes and consumes the id: a Resume-Id works once, whatever
   * the outcome of the resume.
   */
  takeResumeId(resumeId: string): ServerSession | undefined {
    const session = this.#byResumeId.get(resumeId);
    if (session === undefined) return undefined;
    this.#byResumeId.delete(resumeId);
    if (session.resumeId === resumeId) session.resumeId = undefined;
    return session;
  }

  /** Attaches a connection and makes its Resume-Id the one that resumes the session next. */
  attach(session: ServerSession, connection: SessionConnection, resumed: boolean): void {
    if (session.expiryTimer !== undefined) {
      clearTimeout(session.expiryTimer);
      session.expiryTimer = undefined;
    }
    if (session.resumeId !== undefined) this.#byResumeId.delete(session.resumeId);
    session.resumeId = connection.resumeId;
    this.#byResumeId.set(connection.resumeId, session);
    session.connection = connection;
    if (resumed) {
      session.resumeCount++;
      this.#counters.sessionsResumed++;
      this.#emit('resumed', session);
    }
  }

  /**
   * Detaches a session from a connection that ended and holds it for the resume window (forgets it
   * at once when the window is 0). Does nothing when the session has moved to another connection.
   */
  hold(session: ServerSession, connection: SessionConnection): void {
    if (session.connection !== connection || session.forgotten) return;
    session.connection = undefined;
    if (this.#settings.resumeWindowMs === 0) {
      this.forget(session, 'expired');
      return;
    }
    this.#emit('held', session);
    session.expiryTimer = setTimeout(() => {
      session.expiryTimer = undefined;
      this.forget(session, 'expired');
    }, this.#settings.resumeWindowMs);
  }

  /** Forgets a session: it can no longer be resumed and receives no more stream messages. */
  forget(session: ServerSession, why: 'expired' | 'discarded'): void {
    if (session.forgotten) return;
    session.forgotten = true;
    if (session.expiryTimer !== undefined) clearTimeout(session.expiryTimer);
    session.expiryTimer = undefined;
    this.#sessions.delete(session.sessionId);
    if (session.resumeId !== undefined && this.#byResumeId.get(session.resumeId) === session) this.#byResumeId.delete(session.resumeId);
    for (const stream of session.subscriptions) this.#removeSubscriber(stream, session);
    session.replay.clear();
    this.#emit(why, session);
  }

  /** Forgets every session (a simulated restart, or the server closing). */
  forgetAll(): void {
    for (const session of [...this.#sessions.values()]) this.forget(session, 'discarded');
  }

  subscribe(session: ServerSession, streams: readonly string[]): void {
    for (const stream of streams) {
      if (session.subscriptions.has(stream)) continue;
      session.subscriptions.add(stream);
      let set = this.#subscribers.get(stream);
      if (set === undefined) {
        set = new Set();
        this.#subscribers.set(stream, set);
      }
      set.add(session);
    }
  }

  unsubscribe(session: ServerSession, streams: readonly string[]): void {
    for (const stream of streams) {
      if (session.subscriptions.delete(stream)) this.#removeSubscriber(stream, session);
    }
  }

  /**
   * Hands one stream message to every session subscribed to `stream`: each gets its own next seq,
   * keeps it in its replay buffer and, when its connection can take it, is sent it at once.
   * Held sessions only buffer it. Returns how many sessions got it.
   */
  publish(stream: string, data: unknown): number {
    const subscribers = this.#subscribers.get(stream);
    if (subscribers === undefined) return 0;
    if (this.#settings.dialect === 'plain-streams') return this.#publishUnnumbered(subscribers, stream, data);
    // null: not computed yet; undefined: the data has no JSON form, use the codec.
    let jsonPrefix: string | undefined | null = null;
    for (const session of subscribers) {
      const seq = ++session.seq;
      session.replay.push(seq, stream, data);
      const connection = session.connection;
      if (connection === undefined || !connection.deliverable) continue;
      if (connection.codec.name === 'json') {
        if (jsonPrefix === null) jsonPrefix = jsonStreamPrefix(stream, data);
        if (jsonPrefix !== undefined) {
          connection.sendFrame(`${jsonPrefix}${seq}}`);
          continue;
        }
      }
      connection.sendPacket({ stream, data, seq });
    }
    this.#counters.streamMessages += subscribers.size;
    return subscribers.size;
  }

  /** The plain-streams form: `{stream, data}`, the same for every session, so JSON is serialized once. */
  #publishUnnumbered(subscribers: ReadonlySet<ServerSession>, stream: string, data: unknown): number {
    // null: not computed yet; undefined: the data has no JSON form, use the codec.
    let jsonFrame: string | undefined | null = null;
    for (const session of subscribers) {
      // Still counted, so inspection (`lastSeq`) shows how many messages a session was sent.
      session.seq++;
      const connection = session.connection;
      if (connection === undefined || !connection.deliverable) continue;
      if (connection.codec.name === 'json') {
        if (jsonFrame === null) {
          const dataText: string | undefined = JSON.stringify(data);
          jsonFrame = dataText === undefined ? undefined : `{"stream":${JSON.stringify(stream)},"data":${dataText}}`;
        }
        if (jsonFrame !== undefined) {
          connection.sendFrame(jsonFrame);
          continue;
        }
      }
      connection.sendPacket({ stream, data });
    }
    this.#counters.streamMessages += subscribers.size;
    return subscribers.size;
  }

  /** Sends a resumed session the messages after `lastSeq`, oldest first. Call after checking `replay.covers`. */
  replayAfter(session: ServerSession, connection: SessionConnection, lastSeq: number): void {
    session.replay.forEachAfter(lastSeq, (seq, stream, data) => {
      connection.sendPacket({ stream, data, seq });
    });
  }

  #removeSubscriber(stream: string, session: ServerSession): void {
    const set = this.#subscribers.get(stream);
    if (set === undefined) return;
    set.delete(session);
    if (set.size === 0) this.#subscribers.delete(stream);
  }

  #emit(type: SessionEvent['type'], session: ServerSession): void {
    if (this.#events.has('session')) this.#events.emit('session', { type, sessionId: session.sessionId, time: Date.now() });
  }
}
