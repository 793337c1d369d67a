/**
 * The reference test server: a balancer and a WebSocket endpoint on one port, speaking the server
 * side of docs/protocol.md, with inspection and fault injection for tests.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBalancerHandler } from './balancer.js';
import { closeConnections } from './close-all.js';
import type { ServerConnection } from './connection-types.js';
import type { ServerContext } from './context.js';
import { createCounters } from './counters.js';
import { PendingDelays } from './delays.js';
import { FaultState } from './fault-state.js';
import { TestServerFaults } from './faults.js';
import type { ConnectionTarget } from './faults.js';
import { IdIssuer } from './ids.js';
import { resolveOptions } from './options.js';
import type { TestServerOptions } from './options.js';
import { Recorder } from './recorder.js';
import type {
  BalancerRequestRecord,
  ConnectionInfo,
  DisconnectRecord,
  HandshakeRecord,
  ReceivedPacket,
  SessionInfo,
  TestServerEvents,
  TestServerStats,
} from './records.js';
import { SERVER_CLOSE_CODES } from './server-errors.js';
import { SessionRegistry } from './session-registry.js';
import { TypedEvents } from './typed-events.js';
import { UpgradeHandler } from './upgrade-handler.js';

/** Host part of a URL for a listening address (wildcards become loopback, IPv6 gets brackets). */
function urlHost(address: string): string {
  if (address === '0.0.0.0' || address === '::') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * A running test server. Create it with {@link createTestServer}; close it with {@link close}.
 *
 * @example
 * ```ts
 * const server = await createTestServer({ heartbeatMs: 50, auth: { licenses: ['demo'] } });
 * const session = createSession({ balancer: server.balancerUrl, auth: { license: 'demo' } });
 * session.stream('btcusdt@trade').subscribe(console.log);
 * await server.waitFor('session', (event) => event.type === 'created');
 * server.publish('btcusdt@trade', { p: '43000.1' });
 * server.faults.dropConnection();        // the session resumes and gets what it missed
 * await server.close();
 * ```
 */
export class TestServer {
  /** Balancer base URL, `http://127.0.0.1:<port>`; `GET <balancerUrl>/v1/websocket/server` answers with the endpoint. */
  readonly balancerUrl: string;
  /** WebSocket endpoint, `ws://127.0.0.1:<port>/ws` (without query). */
  readonly endpointUrl: string;
  /** The port both listen on. */
  readonly port: number;
  /** Fault injection. */
  readonly faults: TestServerFaults;

  readonly #context: ServerContext;
  readonly #http: Server;
  readonly #upgrades: UpgradeHandler;
  #balancerEndpoint: string | (() => string) | undefined;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link createTestServer}. */
  constructor(context: ServerContext, http: Server, upgrades: UpgradeHandler) {
    this.#context = context;
    this.#http = http;
    this.#upgrades = upgrades;
    const address = http.address() as AddressInfo;
    this.port = address.port;
    const host = urlHost(address.address);
    this.balancerUrl = `http://${host}:${this.port}`;
    this.endpointUrl = `ws://${host}:${this.port}${context.options.path}`;
    this.#balancerEndpoint = context.options.balancerEndpoint;
    this.faults = new TestServerFaults(context);
    http.on('request', createBalancerHandler(context, () => this.balancerEndpoint()));
  }

  /** Whether {@link close} has been called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Publishes one stream message to every session subscribed to `stream`, each with its own next
   * seq (in the plain-streams dialect: `{stream, data}` without seq). Connected sessions are sent
   * it at once; sessions held for a resume keep it for the replay.
   * The data object is kept by reference in replay buffers: do not mutate it afterwards.
   * @returns how many sessions got it (connected or held)
   */
  publish(stream: string, data: unknown): number {
    if (this.#closing !== undefined) return 0;
    return this.#context.sessions.publish(stream, data);
  }

  /**
   * Sends a server event `{event, data?}` to initialized connections.
   * @returns how many connections it was sent to
   */
  sendEvent(event: string, data?: unknown, target: ConnectionTarget = 'all'): number {
    let sent = 0;
    for (const connection of this.#select(target)) {
      if (!connection.deliverable) continue;
      connection.sendPacket(data === undefined ? { event } : { event, data });
      sent++;
    }
    return sent;
  }

  /**
   * Changes where the balancer sends clients: a URL, a function called per request, or undefined
   * for this server's own endpoint. Use it to simulate a failover to another instance.
   */
  setBalancerEndpoint(endpoint: string | (() => string) | undefined): void {
    this.#balancerEndpoint = endpoint;
  }

  /** Live and held sessions. */
  sessions(): SessionInfo[] {
    return [...this.#context.sessions.all()].map((session) => session.info());
  }

  /** One session by id, or undefined when it does not exist (any more). */
  session(sessionId: string): SessionInfo | undefined {
    return this.#context.sessions.get(sessionId)?.info();
  }

  /** Open connections. */
  connections(): ConnectionInfo[] {
    return [...this.#context.connections].map((connection) => connection.info());
  }

  /** Streams that at least one session is subscribed to. */
  subscribedStreams(): string[] {
    return this.#context.sessions.subscribedStreams();
  }

  /** Whether any session is subscribed to `stream` (a Map lookup: cheap enough for a publisher's loop). */
  hasSubscribers(stream: string): boolean {
    return this.#context.sessions.hasSubscribers(stream);
  }

  /** Received packets (the newest `maxRecordedPackets`), optionally filtered. */
  packets(filter?: (packet: ReceivedPacket) => boolean): ReceivedPacket[] {
    const all = this.#context.recorder.packets();
    return filter === undefined ? all : all.filter(filter);
  }

  /**
   * Resolves with the first received packet matching `predicate`, looking at the recorded ones
   * first (since the last {@link clearRecords}); rejects after `timeoutMs`.
   *
   * @example
   * ```ts
   * const subscribe = await server.waitForPacket((p) => p.method === 'SUBSCRIBE');
   * ```
   */
  waitForPacket(predicate: (packet: ReceivedPacket) => boolean, timeoutMs = 2_000): Promise<ReceivedPacket> {
    return this.#context.recorder.waitForPacket(predicate, timeoutMs);
  }

  /** Handshakes seen (tokens redacted). */
  handshakes(): HandshakeRecord[] {
    return this.#context.recorder.handshakes();
  }

  /** Closed connections, with their close codes. */
  disconnects(): DisconnectRecord[] {
    return this.#context.recorder.disconnects();
  }

  /** HTTP requests to the balancer port. */
  balancerRequests(): BalancerRequestRecord[] {
    return this.#context.recorder.balancerRequests();
  }

  /** Forgets recorded packets, handshakes, disconnects and balancer requests (counters are kept). */
  clearRecords(): void {
    this.#context.recorder.clear();
  }

  /** Counters since the server started. */
  stats(): TestServerStats {
    const { counters, connections, sessions } = this.#context;
    return { ...counters, connectionsOpen: connections.size, sessionsOpen: sessions.size };
  }

  /** Listens to an event; returns a function that stops listening. */
  on<Name extends keyof TestServerEvents>(name: Name, listener: (payload: TestServerEvents[Name]) => void): () => void {
    return this.#context.events.on(name, listener);
  }

  /**
   * Resolves with the next event of `name` matching `predicate`; rejects after `timeoutMs`. Only
   * future events count: start waiting before causing the event.
   *
   * @example
   * ```ts
   * const closed = server.waitFor('disconnect', (d) => d.code === 4000);
   * ```
   */
  waitFor<Name extends keyof TestServerEvents>(
    name: Name,
    predicate?: (payload: TestServerEvents[Name]) => boolean,
    timeoutMs = 2_000,
  ): Promise<TestServerEvents[Name]> {
    return this.#context.events.waitFor(name, predicate, timeoutMs);
  }

  /**
   * Closes everything: connections get `1001` and a short grace period (`closeGraceMs`) before they
   * are cut, sessions are forgotten, pending delays cancelled, and the port is released. Leaves no
   * socket or timer behind. Safe to call more than once.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** The endpoint the balancer answers with now. */
  balancerEndpoint(): string {
    const endpoint = this.#balancerEndpoint;
    if (endpoint === undefined) return this.endpointUrl;
    return typeof endpoint === 'function' ? endpoint() : endpoint;
  }

  async #shutdown(): Promise<void> {
    const context = this.#context;
    context.events.emit('close', undefined);
    this.#upgrades.stopAccepting();
    context.delays.cancelAll();
    context.faults.restore();
    context.sessions.forgetAll();
    await closeConnections(context.connections, SERVER_CLOSE_CODES.goingAway, 'server closing', context.options.closeGraceMs);
    this.#upgrades.close();
    await new Promise<void>((resolve) => {
      this.#http.close(() => resolve());
      this.#http.closeAllConnections();
    });
    context.recorder.close();
    context.events.clear(new Error('The test server closed while waiting for an event.'));
  }

  #select(target: ConnectionTarget): ServerConnection[] {
    return [...this.#context.connections].filter((connection) => {
      if (target === 'all') return true;
      if (typeof target === 'function') return target(connection.info());
      return connection.connectionId === target || connection.session?.sessionId === target;
    });
  }
}

/**
 * Starts a test server on 127.0.0.1 (a free port unless `port` is given) and resolves once it
 * listens. Node only. It speaks docs/protocol.md unless `dialect: 'plain-streams'` is given (then the
 * plain-streams dialect of the client's `plainStreams()` protocol).
 *
 * @example
 * ```ts
 * import { createTestServer } from 'wirestate/testing';
 * const server = await createTestServer({ heartbeatMs: 100, resumeWindowMs: 2_000 });
 * // ... server.balancerUrl, server.endpointUrl, server.publish(stream, data)
 * await server.close();
 * ```
 */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const resolved = resolveOptions(options);
  const events = new TypedEvents<TestServerEvents>();
  const counters = createCounters();
  const ids = new IdIssuer();
  const context: ServerContext = {
    options: resolved,
    ids,
    events,
    counters,
    faults: new FaultState(),
    sessions: new SessionRegistry(resolved, ids, events, counters),
    connections: new Set(),
    recorder: new Recorder(resolved.maxRecordedPackets),
    delays: new PendingDelays(),
  };
  const http = createServer();
  http.keepAliveTimeout = 1_000;
  const upgrades = new UpgradeHandler(context);
  http.on('upgrade', upgrades.handle);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(resolved.port, resolved.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  // The balancer's request handler is installed by the constructor, which runs before any request
  // can be handled: the continuation after listen() is a microtask, ahead of all I/O callbacks.
  return new TestServer(context, http, upgrades);
}
