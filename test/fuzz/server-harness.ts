import type { Subscription } from 'rxjs';
import WebSocket from 'ws';
import { codecFactory } from '../../src/codecs/index.js';
import {
  BalancerError,
  ConnectionClosedError,
  createSession,
  NegotiationError,
  UnauthorizedError,
  WirestateError,
  type CodecName,
  type Session,
  type SessionOptions,
  type WebSocketConstructor,
} from '../../src/node.js';
import { createTestServer, type TestServer } from '../../src/testing/index.js';
import { CLOSE_HANDSHAKE_GRACE_MS } from '../../src/machine/actors/socket-actor.js';
import { publicStateName } from '../../src/machine/session-machine.js';
import { eventually, WaitTimeoutError } from '../helpers/eventually.js';

/** One generated set-up of the real-server property. */
export interface ServerFuzzConfig {
  readonly codecs: readonly CodecName[];
  /** `license`: the server requires AUTHORIZE with a license; `token`: a bearer token at the handshake, from a provider. */
  readonly auth: 'none' | 'license' | 'token';
  /** Streams observed from the start; the run begins once the server holds them. */
  readonly initialStreams: readonly string[];
  /** The connection lifetime the server announces and enforces (1001); 0 for none. The client rotates before it. */
  readonly lifetimeMs?: number;
  /**
   * `reconnect.minUptimeMs` of the client (default {@link MIN_UPTIME_MS}). A lifetime minus the
   * 30 ms margin below it is not rotated: the server's 1001 ends each young connection instead.
   */
  readonly minUptimeMs?: number;
}

/** How long a connection must stay authorized to count as healthy, in these runs. */
const MIN_UPTIME_MS = 300;
/** A reconnect this soon after the previous socket ended was "at once" (every backoff here is at least 4 ms). */
const AT_ONCE_MS = 3;

/** Client timings: short, so that every fault heals within a fraction of a second. */
const CLIENT_TIMINGS = {
  reconnect: { initialDelayMs: 5, maxDelayMs: 40, minUptimeMs: MIN_UPTIME_MS },
  // Every backoff draw at its ceiling, so a retry that is not "at once" waits at least initialDelayMs.
  random: () => 0.999,
  timeouts: { balancerMs: 500, connectMs: 500, initializeMs: 300, authorizeMs: 500 },
  requestTimeoutMs: 600,
  heartbeatMs: 100, // MIN_HEARTBEAT_MS: the shortest a client may ask for
  // With a lifetime announced (see ServerFuzzConfig.lifetimeMs), rotate 30 ms before it.
  rotation: { marginMs: 30 },
} as const satisfies Partial<SessionOptions>;

/**
 * How long two client sockets may exist at once: a rotation's handover (connect and initialize
 * timeouts), then the replaced socket's close, which the client bounds by its close grace.
 */
const HANDOVER_BOUND_MS = CLIENT_TIMINGS.timeouts.connectMs + CLIENT_TIMINGS.timeouts.initializeMs + CLOSE_HANDSHAKE_GRACE_MS + 100;

/** How long the session may take to be authorized and quiet again after any fault. */
const RECOVERY_MS = 4_000;
/** How long the session may take to close after a fatal code or `close()`. */
const CLOSE_MS = 2_000;

interface Publication {
  readonly index: number;
  readonly stream: string;
  /** Whether the session the client last knew held the stream when it was published: then it is owed. */
  readonly owed: boolean;
}

interface Epoch {
  readonly subscription: Subscription;
  /** The last payload number when observing started: nothing published before is owed to this epoch. */
  readonly from: number;
  readonly received: number[];
}

interface TrackedRequest {
  readonly payload: { readonly n: number };
  settled: boolean;
  readonly done: Promise<void>;
}

/** Why the session may end before `close()`: the faults that end it, once they hit. */
type EndLicence =
  | { readonly kind: 'close-code'; readonly code: number }
  | { readonly kind: 'balancer'; readonly status: number }
  | { readonly kind: 'upgrade-status'; readonly status: number }
  | { readonly kind: 'negotiation' };

/**
 * A real session against a real reference server (127.0.0.1, port 0), with the invariants of
 * issue 5 checked as the faults come: sockets counted on the client as they are made and ended,
 * stream messages checked for order and duplicates as they arrive, and subscriptions, deliveries
 * and connections checked whenever the session is authorized and quiet.
 */
export class ServerHarness {
  readonly violations: string[] = [];
  readonly log: string[] = [];
  private readonly epochs = new Map<string, Epoch>();
  private readonly publications: Publication[] = [];
  /** The last payload number when a gap was signalled, per stream. */
  private readonly gapAt = new Map<string, number>();
  private readonly requests: TrackedRequest[] = [];
  private readonly endLicences: EndLicence[] = [];
  private nextPayload = 1;
  userClosed = false;
  /** Client sockets made so far. */
  socketsCreated = 0;
  /** Whether 4001 may be answered by one retry with a fresh token instead of ending the session. */
  readonly hasTokenProvider: boolean;

  private constructor(
    readonly server: TestServer,
    readonly session: Session,
    private readonly liveSockets: ReadonlySet<WebSocket>,
    private readonly unclosedSockets: ReadonlySet<WebSocket>,
    private readonly startedAt: number,
    private readonly config: ServerFuzzConfig,
  ) {
    this.hasTokenProvider = config.auth === 'token';
  }

  static async start(config: ServerFuzzConfig): Promise<ServerHarness> {
    const server = await createTestServer({
      heartbeatMs: 1_000,
      initTimeoutMs: 1_000,
      resumeWindowMs: 3_000,
      closeGraceMs: 50,
      maxLifetimeMs: config.lifetimeMs ?? 0,
      ...(config.auth === 'license' ? { auth: { licenses: ['fuzz'] } } : config.auth === 'token' ? { auth: { tokens: ['fuzz-token'] } } : {}),
    });
    // The sockets are made once the session runs, by which time the harness exists.
    const owner: { harness?: ServerHarness } = {};
    // `live`: not yet closed or dropped by the client; `unclosed`: its TCP connection not yet closed.
    const live = new Set<WebSocket>();
    const unclosed = new Set<WebSocket>();
    // The socket invariant: one socket; two only while a rotation hands over from an authorized
    // connection, and never for longer than HANDOVER_BOUND_MS (checked after every command).
    const onCreated = (socket: WebSocket) => {
      const harness = owner.harness;
      const rotation = harness !== undefined && (config.lifetimeMs ?? 0) > 0 && live.size === 1 && harness.state === 'authorized';
      if (rotation) {
        // A rotation opens a connection too: only one that proved itself (minUptimeMs) is replaced.
        const upMs = Date.now() - (harness.readySince ?? Date.now());
        if (upMs + 5 < (config.minUptimeMs ?? MIN_UPTIME_MS)) harness.violate(`a rotation replaced a connection ready for only ${upMs} ms`);
        harness.pairSince = Date.now();
        harness.note('rotation: a second socket');
      } else {
        harness?.checkReconnectRate();
        if (live.size > 0) harness?.violate(`a socket was created while ${live.size} other(s) were still open`);
      }
      if (harness !== undefined) harness.socketsCreated++;
      live.add(socket);
    };
    // When the last live socket ends, the session lost its connection (for the reconnect rate); a
    // replaced socket ending beside its replacement is no loss, nor is the TCP close that follows a close.
    const ended = (socket: WebSocket) => {
      if (!live.delete(socket) || owner.harness === undefined) return;
      if (live.size === 0) owner.harness.lastSocketEndedAt = Date.now();
      if (live.size <= 1) owner.harness.pairSince = undefined;
    };
    const TrackedWebSocket = class extends WebSocket {
      constructor(url: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
        super(url, protocols, options);
        onCreated(this);
        unclosed.add(this);
        this.once('close', () => {
          ended(this);
          unclosed.delete(this);
        });
      }
      override close(code?: number, reason?: string | Buffer): void {
        ended(this);
        super.close(code, reason);
      }
      override terminate(): void {
        ended(this);
        super.terminate();
      }
    };
    const session = createSession({
      balancer: server.balancerUrl,
      codecs: config.codecs.map(codecFactory),
      ...(config.auth === 'license' ? { auth: { license: 'fuzz' } } : config.auth === 'token' ? { auth: { token: () => 'fuzz-token' } } : {}),
      ...CLIENT_TIMINGS,
      reconnect: { ...CLIENT_TIMINGS.reconnect, minUptimeMs: config.minUptimeMs ?? MIN_UPTIME_MS },
      WebSocket: TrackedWebSocket as unknown as WebSocketConstructor,
      lazy: false,
    });
    const current = new ServerHarness(server, session, live, unclosed, Date.now(), config);
    owner.harness = current;
    session.gaps$.subscribe((names) => {
      for (const name of names) current.gapAt.set(name, current.nextPayload - 1);
      current.note(`gap signalled on ${names.join(', ')}`);
    });
    session.state$.subscribe((snapshot) => {
      if (snapshot.value === 'authorized' && current.readySince === undefined) current.readySince = Date.now();
      if (snapshot.value !== 'authorized') current.leftReady();
    });
    session.state$.subscribe((snapshot) => current.note(`state ${snapshot.value}${snapshot.value === 'authorized' ? ` (${snapshot.resumed ? 'resumed' : 'fresh'} ${snapshot.sessionId ?? ''})` : ''}`));
    session.errors$.subscribe((error) => {
      if (!(error instanceof WirestateError)) current.violate(`errors$ emitted an untyped error: ${String(error)}`);
    });
    for (const stream of config.initialStreams) current.subscribe(stream);
    await current.quiesce();
    return current;
  }

  note(line: string): void {
    this.log.push(`+${Date.now() - this.startedAt}ms ${line}`);
    if (this.log.length > 120) this.log.shift();
  }

  violate(message: string): void {
    this.note(`VIOLATION ${message}`);
    this.violations.push(message);
  }

  get state(): string {
    const snapshot = this.session.actor.getSnapshot();
    return publicStateName(snapshot.value, snapshot.context);
  }

  get ended(): boolean {
    return this.session.actor.getSnapshot().status === 'done';
  }

  /** When the client's previous socket ended (closed, dropped or released), for the reconnect-rate invariant. */
  lastSocketEndedAt: number | undefined;
  /** When the session last became authorized, while it stays so. */
  readySince: number | undefined;
  /** Since when two client sockets exist (a rotation), while they do. */
  pairSince: number | undefined;
  /** Reconnects "at once" since a connection last proved healthy: the policy allows one in a row. */
  private immediateInARow = 0;

  /** The session left `authorized`: a connection that lasted `MIN_UPTIME_MS` starts the count over. */
  leftReady(): void {
    if (this.readySince !== undefined && Date.now() - this.readySince >= (this.config.minUptimeMs ?? MIN_UPTIME_MS)) this.immediateInARow = 0;
    this.readySince = undefined;
  }

  /**
   * The attempt-rate invariant, whatever the server does: a socket made within {@link AT_ONCE_MS}
   * of the previous one's end is a reconnect at once, and at most one may come in a row before a
   * connection has stayed healthy; every other reconnect waits out a backoff.
   */
  checkReconnectRate(): void {
    const endedAt = this.lastSocketEndedAt;
    if (endedAt === undefined || this.userClosed) return;
    if (this.readySince !== undefined) this.leftReady();
    if (Date.now() - endedAt > AT_ONCE_MS) return;
    if (++this.immediateInARow > 1) this.violate(`${this.immediateInARow} reconnects at once in a row with no healthy connection between them`);
  }

  /** The session may now end: a fault that ends it hit a connection (or is armed, for the balancer). */
  allowEnd(licence: EndLicence): void {
    this.endLicences.push(licence);
  }

  subscribe(stream: string): void {
    if (this.epochs.has(stream) || this.ended || this.userClosed) return;
    const received: number[] = [];
    const subscription = this.session.stream<{ n: number }>(stream).subscribe({
      next: (message) => {
        // A message the server sent with an anomalous seq (a fault, not a publication): delivered, not numbered.
        if ((message as { anomaly?: unknown }).anomaly === true) return;
        const last = received.at(-1);
        if (last !== undefined && message.n <= last) this.violate(`${stream}: message ${message.n} arrived after ${last} (duplicate or out of order)`);
        received.push(message.n);
      },
      error: (error: unknown) => {
        if (!(error instanceof WirestateError)) this.violate(`${stream} errored with an untyped error: ${String(error)}`);
        this.epochs.delete(stream);
      },
      complete: () => this.epochs.delete(stream),
    });
    if (!subscription.closed) this.epochs.set(stream, { subscription, from: this.nextPayload - 1, received });
  }

  /**
   * The server sends, on the live connection, a stream message whose seq jumps far ahead or goes
   * back to 1: the client must report it, keep delivering, and lose nothing published afterwards.
   */
  sendAnomalousSeq(kind: 'jump' | 'back'): void {
    const stream = [...this.epochs.keys()][0];
    if (stream === undefined) return;
    // Seq 1 before the server has numbered anything is not back: it is the first seq, and the
    // server's own next message would carry seq 1 again, rightly dropped by the client as a duplicate.
    const sessionId = this.session.actor.getSnapshot().context.sessionId;
    const numbered = sessionId === undefined ? 0 : (this.server.session(sessionId)?.lastSeq ?? 0);
    if (kind === 'back' && numbered < 1) return;
    const hit = this.server.faults.sendStreamMessage('all', { stream, data: { anomaly: true }, seq: kind === 'jump' ? 2 ** 40 + this.nextPayload : 1 });
    if (hit > 0) this.note(`anomalous seq (${kind}) on ${stream}`);
  }

  unsubscribe(stream: string): void {
    this.epochs.get(stream)?.subscription.unsubscribe();
    this.epochs.delete(stream);
  }

  publish(stream: string, count: number): void {
    for (let i = 0; i < count; i++) {
      const n = this.nextPayload++;
      const sessionId = this.session.actor.getSnapshot().context.sessionId;
      const held = sessionId === undefined ? undefined : this.server.session(sessionId);
      const owed = held?.subscriptions.includes(stream) === true;
      this.publications.push({ index: n, stream, owed });
      this.server.publish(stream, { n });
    }
  }

  request(): void {
    if (this.ended || this.userClosed) return;
    const payload = { n: this.nextPayload++ };
    const tracked: TrackedRequest = {
      payload,
      settled: false,
      done: this.session.request<{ n: number }>('ECHO', payload).then(
        (result) => {
          tracked.settled = true;
          if (result?.n !== payload.n) this.violate(`ECHO ${payload.n} answered ${JSON.stringify(result)}`);
        },
        (error: unknown) => {
          tracked.settled = true;
          if (!(error instanceof WirestateError)) this.violate(`ECHO ${payload.n} rejected with an untyped error: ${String(error)}`);
        },
      ),
    };
    this.requests.push(tracked);
  }

  userClose(): void {
    this.userClosed = true;
    this.note('user close()');
    void this.session.close();
  }

  /**
   * Waits until the session is authorized and quiet, then checks: one server connection, the
   * server's subscriptions equal the observed streams, every owed message delivered. When the
   * session ended instead, checks that a fault allowed it to.
   */
  async quiesce(): Promise<void> {
    const settled = await until(() => this.ended || (this.state === 'authorized' && this.quiet()), RECOVERY_MS);
    if (this.ended) {
      this.checkEnd();
      return;
    }
    if (!settled) {
      this.violate(`not authorized and quiet within ${RECOVERY_MS} ms (state ${this.state}; ${this.whyNotQuiet()})`);
      return;
    }
    // Silenced connections are left out: they stopped reading, so they cannot see the client drop them.
    const connections = this.server.connections().filter((connection) => !connection.silent);
    if (connections.length !== 1) this.violate(`authorized and quiet with ${connections.length} server connections`);
    if (this.liveSockets.size !== 1) this.violate(`authorized and quiet with ${this.liveSockets.size} client sockets open`);
  }

  /** Authorized and quiet: the server holds exactly the observed streams and every owed message arrived. */
  private quiet(): boolean {
    return this.whyNotQuiet() === '';
  }

  private whyNotQuiet(): string {
    // A rotation under way is not quiet: wait for the replaced connection to be gone.
    if (this.liveSockets.size > 1) return `${this.liveSockets.size} client sockets open (rotation)`;
    const serverConnections = this.server.connections().filter((connection) => !connection.silent).length;
    if (serverConnections > 1) return `${serverConnections} server connections (a replaced one still closing)`;
    const sessionId = this.session.actor.getSnapshot().context.sessionId;
    const held = sessionId === undefined ? undefined : this.server.session(sessionId);
    if (held === undefined) return `the server has no session ${String(sessionId)}`;
    const connection = this.server.connections().find((candidate) => candidate.sessionId === sessionId && !candidate.silent && candidate.phase === 'ready');
    if (connection === undefined) return 'the session has no answering connection';
    const onServer = [...held.subscriptions].sort().join(',');
    const observed = [...this.epochs.keys()].sort().join(',');
    if (onServer !== observed) return `the server holds [${onServer}] while [${observed}] are observed`;
    const missing = this.missingMessages();
    if (missing.length > 0) return `owed messages missing: ${missing.slice(0, 8).join(', ')}`;
    return '';
  }

  private missingMessages(): string[] {
    const missing: string[] = [];
    for (const [stream, epoch] of this.epochs) {
      const gap = this.gapAt.get(stream) ?? -1;
      const got = new Set(epoch.received);
      for (const publication of this.publications) {
        if (publication.stream !== stream || !publication.owed || publication.index <= epoch.from) continue;
        // A gap signalled after the message was published excuses its loss.
        if (gap >= publication.index) continue;
        if (!got.has(publication.index)) missing.push(`${stream}#${publication.index}`);
      }
    }
    return missing;
  }

  private checkEnd(): void {
    const reason = this.session.actor.getSnapshot().context.closedReason;
    if (reason === undefined || reason.clientRequested) return;
    const error = reason.error;
    const allowed = this.endLicences.some((licence) => {
      if (licence.kind === 'balancer') return error instanceof BalancerError && error.status === licence.status;
      if (licence.kind === 'upgrade-status') return error instanceof UnauthorizedError && reason.code === 1006;
      if (licence.kind === 'negotiation') return error instanceof NegotiationError;
      if (licence.code === 4001) return error instanceof UnauthorizedError;
      return error instanceof ConnectionClosedError && reason.code === licence.code;
    });
    if (!allowed) this.violate(`the session ended (${reason.code} ${reason.reason}: ${error?.message ?? 'no error'}) without a fault that allows it`);
  }

  /** Closes the session and checks that nothing is left: no connection, no reconnect, every request settled. */
  async finish(): Promise<void> {
    if (!this.ended && !this.userClosed) await this.quiesce();
    if (!this.userClosed) this.userClose();
    const closed = await until(() => this.ended, CLOSE_MS);
    if (!closed) this.violate(`not closed ${CLOSE_MS} ms after close()`);
    // Counted on the client: the server records a handshake it held back only when it answers it,
    // which may be after close() although the attempt was made before.
    const sockets = this.socketsCreated;
    const balancerCalls = this.server.balancerRequests().length;
    // A half-open (silenced) server connection no longer reads, so it cannot see the client leave:
    // like a real one, it stays until the server's own timeouts. Every other one must go.
    const serverConnections = () => this.server.connections().filter((connection) => !connection.silent).length;
    const gone = await until(() => serverConnections() === 0 && this.unclosedSockets.size === 0, CLOSE_MS);
    if (!gone) this.violate(`${serverConnections()} server connection(s) and ${this.unclosedSockets.size} client socket(s) left ${CLOSE_MS} ms after close()`);
    await pause(60);
    if (this.socketsCreated !== sockets || this.server.balancerRequests().length !== balancerCalls) this.violate('connected again after close()');
    const settledInTime = await until(() => this.requests.every((request) => request.settled), CLOSE_MS);
    if (!settledInTime) this.violate(`${this.requests.filter((request) => !request.settled).length} request(s) never settled`);
  }

  /** At most one answering server connection per session (silenced and closing ones cannot answer any more); two client sockets only briefly. */
  checkConnections(): void {
    if (this.pairSince !== undefined && Date.now() - this.pairSince > HANDOVER_BOUND_MS) {
      this.violate(`two client sockets for ${Date.now() - this.pairSince} ms (a handover must end within ${HANDOVER_BOUND_MS} ms)`);
    }
    const perSession = new Map<string, number>();
    for (const connection of this.server.connections()) {
      if (connection.sessionId === undefined || connection.silent || connection.phase === 'closing') continue;
      perSession.set(connection.sessionId, (perSession.get(connection.sessionId) ?? 0) + 1);
    }
    for (const [sessionId, count] of perSession) if (count > 1) this.violate(`${count} server connections for session ${sessionId}`);
  }

  /** Throws the collected violations with the log of the run. */
  assertClean(): void {
    if (this.violations.length > 0) throw new Error(`${this.violations.join('\n')}\n--- log (last 60 lines) ---\n${this.log.slice(-60).join('\n')}`);
  }

  /** Client sockets whose TCP connection is not closed yet. */
  get unclosedSocketCount(): number {
    return this.unclosedSockets.size;
  }

  async dispose(): Promise<void> {
    for (const epoch of this.epochs.values()) epoch.subscription.unsubscribe();
    this.epochs.clear();
    if (!this.ended) await Promise.race([this.session.close(), pause(CLOSE_MS)]);
    await this.server.close();
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** {@link eventually} that says whether `check` held in time instead of failing: the fuzzer reports it. A `check` that throws still fails. */
export function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  return eventually(check, 'the condition', timeoutMs).then(
    () => true,
    (error: unknown) => {
      if (error instanceof WaitTimeoutError) return false;
      throw error;
    },
  );
}
