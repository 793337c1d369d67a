import type { Subscription } from 'rxjs';
import { vi } from 'vitest';
import { createCodec } from '../../src/codecs/index.js';
import { ConnectionClosedError, createSession, referenceProtocol, WirestateError, type BackoffOptions, type CloseCodeOverrides, type Session, type SessionOptions } from '../../src/node.js';
import { CLOSE_HANDSHAKE_GRACE_MS } from '../../src/machine/actors/socket-actor.js';
import { FAKE_BALANCER, FAKE_ENDPOINT, FakeNetwork, type FakeSocket } from './fake-network.js';
import { ReconnectOracle } from './reconnect-oracle.js';
import { publicStateName } from '../../src/machine/session-machine.js';

/** One generated session set-up for the machine-level fuzz tests. */
export interface MachineFuzzConfig {
  readonly balancer: boolean;
  readonly auth: 'none' | 'license' | 'token' | 'token-provider';
  /** Whether the fake server asks for AUTHORIZE on a fresh session. */
  readonly authRequired: boolean;
  readonly backoff: BackoffOptions;
  readonly closeCodes: CloseCodeOverrides;
  readonly timeoutMs: number;
  readonly requestTimeoutMs: number;
  /** The heartbeat the fake server announces. */
  readonly heartbeatMs: number;
  /** The jitter draws, used in turn. */
  readonly randoms: readonly number[];
  /** The connection lifetime the fake server announces (the session rotates before it); none when absent. */
  readonly lifetimeMs?: number;
}

/** One observer of a stream: from which payload on messages are owed to it, and what it got. */
interface Observer {
  readonly subscription: Subscription;
  readonly from: number;
  readonly received: number[];
}

interface TrackedRequest {
  readonly method: string;
  readonly sentAt: number;
  readonly timeoutMs: number;
  outcome: 'pending' | 'result' | 'error';
}

const json = createCodec('json');
const protocol = referenceProtocol();

/** Whether the client must report `frame` on errors$: it does not decode, or is no packet of the protocol. */
export function frameNeedsError(frame: string | Uint8Array): boolean {
  if (typeof frame !== 'string') return true;
  const decoded = json.decode(frame);
  return !decoded.ok || protocol.classify(decoded.value).kind === 'unknown';
}

/**
 * Runs one session against the {@link FakeNetwork} under vitest's fake clock and checks the
 * invariants of issue 5 after every step. Violations found inside callbacks are collected (throwing
 * there would only break the machine) and thrown by {@link MachineHarness.check}, with the trace of
 * what the network saw.
 */
export class MachineHarness {
  readonly network: FakeNetwork;
  readonly oracle: ReconnectOracle;
  readonly session: Session;
  readonly requests: TrackedRequest[] = [];
  readonly errors: unknown[] = [];
  private readonly observers = new Map<string, Observer>();
  /** Stream messages published: payload number, stream, and whether the client's session held the stream then. */
  private readonly publications: { readonly n: number; readonly stream: string; readonly owed: boolean }[] = [];
  /** The last payload number when a gap was signalled, per stream. */
  private readonly gapAt = new Map<string, number>();
  private lastPayload = 0;
  private readonly extraViolations: string[] = [];
  private drawIndex = 0;

  constructor(readonly config: MachineFuzzConfig) {
    const sockets = () => this.network.sockets;
    this.oracle = new ReconnectOracle({
      backoff: config.backoff,
      closeCodes: config.closeCodes,
      balancer: config.balancer,
      hasCredentials: config.auth !== 'none',
      hasTokenProvider: config.auth === 'token-provider',
      balancerTimeoutMs: config.timeoutMs,
      now: () => Date.now(),
      sockets,
      randoms: config.randoms,
      rotates: config.lifetimeMs !== undefined,
      authorized: () => this.state === 'authorized',
    });
    this.network = new FakeNetwork(this.oracle, {
      heartbeatMs: config.heartbeatMs,
      authRequired: config.authRequired,
      ...(config.lifetimeMs === undefined ? {} : { connectionLifetimeMs: config.lifetimeMs }),
    });
    const auth: SessionOptions['auth'] =
      config.auth === 'license' ? { license: 'fuzz' } : config.auth === 'token' ? { token: 'fuzz-token' } : config.auth === 'token-provider' ? { token: () => 'fuzz-token' } : undefined;
    const timeoutMs = config.timeoutMs;
    this.session = createSession({
      ...(config.balancer ? { balancer: FAKE_BALANCER } : { endpoint: FAKE_ENDPOINT }),
      ...(auth === undefined ? {} : { auth }),
      codecs: ['json'],
      reconnect: config.backoff,
      closeCodes: config.closeCodes,
      timeouts: { balancerMs: timeoutMs, connectMs: timeoutMs, initializeMs: timeoutMs, authorizeMs: timeoutMs },
      requestTimeoutMs: config.requestTimeoutMs,
      WebSocket: this.network.WebSocket,
      fetch: this.network.fetch,
      random: () => config.randoms[this.drawIndex++ % config.randoms.length] ?? 0,
      lazy: false,
    });
    this.session.actor.on('ready', ({ resumed }) => this.oracle.ready(resumed));
    this.session.actor.on('closed', ({ reason }) => {
      this.oracle.sessionClosed(`${reason.code} ${reason.reason}`);
      if (!reason.clientRequested && !(reason.error instanceof WirestateError)) this.extraViolations.push(`the session ended (${reason.code}) without a typed error`);
      // Used-up attempts end alike in every phase (a close, a timeout, the balancer, a refused INITIALIZE).
      const gaveUp = this.oracle.mustBeClosed?.startsWith('attempts used up') === true;
      if (gaveUp && !(reason.error instanceof ConnectionClosedError && reason.error.message.startsWith('gave up after'))) {
        this.extraViolations.push(`attempts were used up but the session ended with ${reason.error?.name ?? 'no error'}: ${reason.error?.message ?? ''}`);
      }
      // Whatever ends a session is on errors$ too.
      if (reason.error !== undefined && !this.errors.includes(reason.error)) this.extraViolations.push(`the session ended with ${reason.error.name} (${reason.error.message}) that errors$ never got`);
    });
    this.session.errors$.subscribe((error) => this.errors.push(error));
    this.session.gaps$.subscribe((names) => {
      for (const name of names) this.gapAt.set(name, this.lastPayload);
    });
  }

  get machineClosed(): boolean {
    return this.session.actor.getSnapshot().status === 'done';
  }

  get state(): string {
    const snapshot = this.session.actor.getSnapshot();
    return publicStateName(snapshot.value, snapshot.context);
  }

  /** Runs what the last step caused (microtasks and timers due now) without moving the clock. */
  async settle(): Promise<void> {
    for (let round = 0; round < 10; round++) await vi.advanceTimersByTimeAsync(0);
  }

  /** Moves the fake clock, running every timer and microtask on the way. */
  async advance(ms: number): Promise<void> {
    await vi.advanceTimersByTimeAsync(ms);
    await this.settle();
  }

  /** The open socket the server side may act on. */
  openSocket(): FakeSocket | undefined {
    const socket = this.network.current();
    return socket?.opened === true ? socket : undefined;
  }

  serverClose(code: number): void {
    this.openSocket()?.endFromServer(code);
  }

  userClose(): void {
    this.oracle.userClose();
    void this.session.close();
  }

  subscribe(name: string): void {
    if (this.observers.has(name) || this.oracle.closing || this.machineClosed) return;
    const received: number[] = [];
    const subscription = this.session.stream<{ n: number }>(name).subscribe({
      next: ({ n }) => {
        const last = received.at(-1);
        if (last !== undefined && n <= last) this.extraViolations.push(`${name}: message ${n} arrived after ${last} (duplicate or out of order)`);
        received.push(n);
      },
      error: () => this.observers.delete(name),
      complete: () => this.observers.delete(name),
    });
    if (!subscription.closed) this.observers.set(name, { subscription, from: this.lastPayload, received });
  }

  unsubscribe(name: string): void {
    this.observers.get(name)?.subscription.unsubscribe();
    this.observers.delete(name);
  }

  /** The server publishes `count` messages on `stream`. */
  publish(stream: string, count: number): void {
    for (let i = 0; i < count; i++) {
      const n = ++this.lastPayload;
      this.publications.push({ n, stream, owed: this.network.publish(stream, { n }) });
    }
  }

  /** Sends a request; after close() it must fail at once. ECHO must answer with its own params. */
  request(method: string, idempotent: boolean): void {
    const afterClose = this.oracle.closing || this.machineClosed;
    const tracked: TrackedRequest = { method, sentAt: Date.now(), timeoutMs: afterClose ? 0 : this.config.requestTimeoutMs, outcome: 'pending' };
    this.requests.push(tracked);
    const params = { n: this.requests.length };
    this.session.request(method, params, { idempotent }).then(
      (result) => {
        tracked.outcome = 'result';
        if (afterClose) this.extraViolations.push(`request ${method} sent after close() was answered`);
        if (method === 'ECHO' && (result as { n?: number } | null)?.n !== params.n) this.extraViolations.push(`ECHO ${params.n} answered ${JSON.stringify(result)}`);
      },
      (error: unknown) => {
        tracked.outcome = 'error';
        if (!(error instanceof WirestateError)) this.extraViolations.push(`request ${method} rejected with an untyped error: ${String(error)}`);
      },
    );
  }

  /** Sends an arbitrary frame on the authorized connection and checks that it is reported and survived. */
  async garbage(frame: string | Uint8Array): Promise<void> {
    const socket = this.openSocket();
    if (socket === undefined || socket.silent || this.state !== 'authorized') return;
    const errorsBefore = this.errors.length;
    socket.deliver(frame);
    await this.settle();
    if (!socket.live && this.network.sockets.at(-1) === socket) this.extraViolations.push(`a garbage frame ${describeFrame(frame)} ended the connection`);
    const reported = this.errors.slice(errorsBefore);
    if (reported.some((error) => !(error instanceof WirestateError))) this.extraViolations.push(`a garbage frame ${describeFrame(frame)} reported an untyped error`);
    if (frameNeedsError(frame) && reported.length === 0) this.extraViolations.push(`a garbage frame ${describeFrame(frame)} was not reported on errors$`);
  }

  /** Checks every invariant that must hold after a settled step; throws with the trace on a violation. */
  check(): void {
    const now = Date.now();
    const closed = this.machineClosed;
    this.oracle.checkSettled(closed);
    const live = this.network.sockets.filter((socket) => socket.live);
    // One socket; two only while a rotation hands over, within its timeout (connect + initialize) and the close grace.
    const rotationSince = live.length === 2 ? this.oracle.rotationSockets.get(live[1] as FakeSocket) : undefined;
    if (live.length > 2 || (live.length === 2 && rotationSince === undefined)) this.extraViolations.push(`${live.length} sockets open at once`);
    const handoverBoundMs = 2 * this.config.timeoutMs + CLOSE_HANDSHAKE_GRACE_MS + 2;
    if (rotationSince !== undefined && now - rotationSince > handoverBoundMs) {
      this.extraViolations.push(`two sockets open since t=${rotationSince}, longer than a handover may take (${handoverBoundMs} ms)`);
    }
    // A close handshake the client started may wait for the server's answer, but only so long.
    const closing = this.network.sockets.filter((socket) => socket.readyState === 2);
    for (const socket of closing) {
      if (now - (socket.closingSince ?? now) > CLOSE_HANDSHAKE_GRACE_MS) this.extraViolations.push(`socket #${socket.index} has been closing since t=${socket.closingSince}`);
    }
    if (closed) {
      if (live.length > 0) this.extraViolations.push('a socket is still open after the session closed');
      const timers = vi.getTimerCount();
      // The one timer allowed then bounds an unanswered close handshake.
      if (timers > (closing.length > 0 ? 1 : 0)) this.extraViolations.push(`${timers} timer(s) pending after the session closed`);
    }
    // A connection the server stopped answering is noticed: by a phase timeout, or by the liveness
    // check within about two heartbeats.
    // Authorized, it is the liveness check: a ping after a heartbeat of quiet, dropped after another (+1 ms per timer).
    for (const socket of live) {
      // A rotation's replacement gets the handover's whole budget (connect + initialize timeouts).
      const rotating = live.length === 2 && socket === live[1] && this.oracle.rotationSockets.has(socket);
      const deafBoundMs = rotating
        ? 2 * this.config.timeoutMs + 2
        : socket.deafWhileReady
          ? 2 * this.config.heartbeatMs + 2
          : this.config.timeoutMs + 3 * this.config.heartbeatMs + 1;
      if (socket.deafSince !== undefined && now - socket.deafSince > deafBoundMs) {
        this.extraViolations.push(`socket #${socket.index} has had no answer since t=${socket.deafSince} and is still open at t=${now} (bound ${deafBoundMs} ms)`);
      }
    }
    if (!closed && !this.oracle.closing) {
      const attempt = this.session.actor.getSnapshot().context.attempt;
      if (attempt !== this.oracle.attempt) this.extraViolations.push(`the session counts ${attempt} reconnect attempts, the model ${this.oracle.attempt}`);
    }
    for (const request of this.requests) {
      // A request made after close() has no timeout: it must have failed within its step.
      if (request.outcome === 'pending' && (request.timeoutMs === 0 || now - request.sentAt > request.timeoutMs)) {
        this.extraViolations.push(`request ${request.method} sent at t=${request.sentAt} still pending at t=${now} (timeout ${request.timeoutMs} ms)`);
      }
    }
    this.checkSubscriptions();
    const violations = [...this.oracle.violations, ...this.extraViolations];
    if (violations.length > 0) {
      throw new Error(`${violations.join('\n')}\n--- trace (last 60 lines) ---\n${this.oracle.trace.slice(-60).join('\n')}`);
    }
  }

  /** Authorized and quiet (the server answers, nothing in flight after settling): the server holds exactly the observed streams. */
  private checkSubscriptions(): void {
    if (this.state !== 'authorized' || this.oracle.closing) return;
    const socket = this.openSocket();
    const serverSession = this.network.currentSession();
    if (socket === undefined || socket.silent || serverSession === undefined) return;
    if (this.config.authRequired && !serverSession.authorized) this.extraViolations.push('authorized, but the server never accepted an AUTHORIZE for this session');
    const held = serverSession.subscriptions;
    const observed = [...this.observers.keys()].sort();
    const onServer = [...held].sort();
    if (observed.join(',') !== onServer.join(',')) this.extraViolations.push(`authorized and quiet, but the server holds [${onServer.join(', ')}] while [${observed.join(', ')}] are observed`);
    // Every message the client's session held when it was published arrived, unless a gap was signalled after it.
    for (const [stream, observer] of this.observers) {
      const gap = this.gapAt.get(stream) ?? 0;
      const got = new Set(observer.received);
      const missing = this.publications.filter((publication) => publication.stream === stream && publication.owed && publication.n > observer.from && publication.n > gap && !got.has(publication.n));
      if (missing.length > 0) this.extraViolations.push(`authorized and quiet, but ${stream} misses ${missing.map((publication) => publication.n).join(', ')} (no gap signalled)`);
    }
  }

  /** Closes the session, then checks that it ended cleanly and left nothing behind. */
  async finish(): Promise<void> {
    if (!this.oracle.closing) this.userClose();
    await this.settle();
    this.check();
    await this.advance(CLOSE_HANDSHAKE_GRACE_MS + 1);
    this.check();
    if (vi.getTimerCount() > 0 || this.network.sockets.some((socket) => socket.readyState !== 3)) throw new Error('a timer or socket is left after close() and the close grace');
    if (!this.machineClosed) throw new Error('the session did not close after close()');
    const pending = this.requests.filter((request) => request.outcome === 'pending');
    if (pending.length > 0) throw new Error(`${pending.length} request(s) never settled: ${pending.map((request) => request.method).join(', ')}`);
    if (this.observers.size > 0) throw new Error(`stream(s) ${[...this.observers.keys()].join(', ')} neither completed nor errored after close()`);
  }

  /** Leaves nothing behind even after a failed run. */
  dispose(): void {
    for (const observer of this.observers.values()) observer.subscription.unsubscribe();
    this.observers.clear();
    if (!this.machineClosed) this.session.actor.stop();
    vi.clearAllTimers();
  }
}

export function describeFrame(frame: string | Uint8Array): string {
  return typeof frame === 'string' ? JSON.stringify(frame.length > 60 ? `${frame.slice(0, 60)}…` : frame) : `bytes[${[...frame.slice(0, 16)].join(',')}${frame.length > 16 ? ',…' : ''}]`;
}
