import type { WebSocketConstructor, WebSocketLike } from '../../src/transport/types.js';

/**
 * A scripted network for the machine-level fuzz tests: a fake WebSocket class, a fake balancer
 * `fetch` and a small in-memory server speaking the JSON form of PROTOCOL.md (INITIALIZE with
 * resume, AUTHORIZE, SUBSCRIBE/UNSUBSCRIBE, PING, ECHO). The test decides every fault; the fakes
 * report what the client did to a {@link NetworkObserver}, synchronously and in order, so that an
 * oracle can judge each reconnect at the moment it happens.
 *
 * Everything the fakes schedule goes through microtasks, never timers: a pending timer after
 * `close()` is then always the client's.
 */

/** How a connection ended, from the client's point of view. */
export type EndCause = 'server-close' | 'refused' | 'client-drop';

/** What the fake network reports, in the order it happens. */
export interface NetworkObserver {
  socketCreated(socket: FakeSocket): void;
  socketOpened(socket: FakeSocket): void;
  /** A connection attempt ended without the client closing it: a server close, a refusal, or the client dropping it (a timeout). */
  socketEnded(socket: FakeSocket, code: number, cause: EndCause): void;
  /** The client started a close handshake (it only does so when the session ends). */
  socketClosedByClient(socket: FakeSocket, code: number | undefined): void;
  initializeDelivered(socket: FakeSocket, result: InitializeAnswer): void;
  fetchStarted(answer: BalancerAnswer): void;
  /** The balancer call failed (after its timeout, for a hanging one). */
  fetchFailed(answer: BalancerAnswer, retryable: boolean): void;
}

/** What the fake balancer answers one call with. */
export type BalancerAnswer = 200 | 404 | 403 | 429 | 500 | 503 | 'hang' | 'malformed';

/** The INITIALIZE result the fake server sends. */
export interface InitializeAnswer {
  readonly sessionId: string;
  readonly resumeId: string;
  readonly resumed: boolean;
  readonly heartbeatMs: number;
  readonly authRequired: boolean;
  readonly connectionLifetimeMs?: number;
}

/** The fake server's settings. */
export interface FakeServerSettings {
  readonly heartbeatMs: number;
  readonly authRequired: boolean;
  /** Announced in every INITIALIZE result (not enforced): the client rotates its connection before it. */
  readonly connectionLifetimeMs?: number;
}

interface FakeServerSession {
  readonly sessionId: string;
  resumeId: string;
  authorized: boolean;
  readonly subscriptions: Set<string>;
  socket: FakeSocket | undefined;
  /** The session's last stream message seq, across its streams (PROTOCOL.md section 3). */
  seq: number;
  /** Every stream message of the session, for replays on resume. */
  readonly sent: { readonly seq: number; readonly frame: string }[];
}

const WS_CONNECTING = 0;
const WS_OPEN = 1;
const WS_CLOSING = 2;
const WS_CLOSED = 3;

/** The endpoint the fake balancer hands out. */
export const FAKE_ENDPOINT = 'ws://fake.test/ws';
/** The fake balancer's base URL. */
export const FAKE_BALANCER = 'http://balancer.fake';

/** A method the fake server never answers, for request timeouts. */
export const UNANSWERED_METHOD = 'NEVER';

/** One fake WebSocket. The test drives its server side through {@link FakeNetwork}. */
export class FakeSocket implements WebSocketLike {
  protocol = '';
  readyState = WS_CONNECTING;
  readonly bufferedAmount = 0;
  binaryType = 'blob';
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;

  /** Whether the socket ever opened. */
  opened = false;
  /** Half-open: the server neither reads nor answers any more. */
  silent = false;
  /** Since when the server has stopped answering this connection (half-open, stalled, INITIALIZE ignored). */
  deafSince: number | undefined;
  /** Whether the client was already authorized when the server stopped answering: then only the liveness check can notice. */
  deafWhileReady = false;
  /** Since when the client has been waiting for the server's answer to its close frame. */
  closingSince: number | undefined;
  /** The resume id the client offered in the URL, if any. */
  readonly resumeId: string | undefined;
  session: FakeServerSession | undefined;
  readonly sent: unknown[] = [];

  constructor(
    private readonly network: FakeNetwork,
    readonly index: number,
    readonly url: string,
    readonly protocols: readonly string[],
  ) {
    this.resumeId = new URL(url).searchParams.get('resume') ?? undefined;
  }

  /** Whether the client may still be using it: connecting or open. */
  get live(): boolean {
    return this.readyState === WS_CONNECTING || this.readyState === WS_OPEN;
  }

  send(data: string | ArrayBuffer | ArrayBufferView<ArrayBuffer>): void {
    if (this.readyState === WS_CONNECTING) throw new Error('fake socket: send() before open');
    if (this.readyState !== WS_OPEN || this.silent) return;
    if (typeof data !== 'string') throw new Error('fake socket: the fuzz sessions speak JSON, which travels in text frames');
    const packet = JSON.parse(data) as unknown;
    this.sent.push(packet);
    this.network.handlePacket(this, packet);
  }

  close(code?: number): void {
    if (this.readyState === WS_CLOSING || this.readyState === WS_CLOSED) return;
    const wasConnecting = this.readyState === WS_CONNECTING;
    this.readyState = WS_CLOSING;
    this.closingSince = Date.now();
    this.network.detach(this);
    this.network.observer.socketClosedByClient(this, code);
    // A half-open server never answers the close frame: the handshake hangs until the client drops the socket.
    if (this.silent && !wasConnecting) return;
    queueMicrotask(() => {
      this.readyState = WS_CLOSED;
      this.onclose?.(wasConnecting ? { code: 1006, reason: '', wasClean: false } : { code: code ?? 1005, reason: '', wasClean: true });
    });
  }

  terminate(): void {
    if (this.readyState === WS_CLOSED) return;
    const wasLive = this.live;
    this.readyState = WS_CLOSED;
    this.network.detach(this);
    if (wasLive) this.network.observer.socketEnded(this, 1006, 'client-drop');
  }

  /** The server goes half-open on this connection. */
  goSilent(ready = false): void {
    if (this.deafSince === undefined) this.deafWhileReady = ready;
    this.silent = true;
    this.deafSince ??= Date.now();
  }

  /** @internal Called by the network one microtask after construction. */
  openOrRefuse(refuse: boolean, stall: boolean): void {
    if (this.readyState !== WS_CONNECTING) return;
    if (stall) {
      this.deafSince ??= Date.now();
      return;
    }
    if (refuse) {
      this.readyState = WS_CLOSED;
      this.network.observer.socketEnded(this, 1006, 'refused');
      this.onerror?.({ message: 'connection refused' });
      this.onclose?.({ code: 1006, reason: '', wasClean: false });
      return;
    }
    this.readyState = WS_OPEN;
    this.opened = true;
    this.protocol = this.protocols.includes('json.v1') ? 'json.v1' : '';
    this.network.observer.socketOpened(this);
    this.onopen?.({});
  }

  /** The server closes (or, with 1006, drops) the connection; the client hears it at once. */
  endFromServer(code: number): boolean {
    if (this.readyState !== WS_OPEN) return false;
    this.readyState = WS_CLOSED;
    this.network.detach(this);
    this.network.observer.socketEnded(this, code, 'server-close');
    this.onclose?.({ code, reason: code === 1006 ? '' : 'fuzz', wasClean: code !== 1006 });
    return true;
  }

  /** Delivers one frame a microtask later, unless the socket is gone or silent by then. */
  deliver(frame: string | Uint8Array, delivered?: () => void): void {
    queueMicrotask(() => {
      if (this.readyState !== WS_OPEN || this.silent) return;
      delivered?.();
      const data = typeof frame === 'string' ? frame : frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength);
      this.onmessage?.({ data });
    });
  }
}

/** The fake network: sockets, a server behind them, and a balancer; armed faults apply to the next attempts. */
export class FakeNetwork {
  readonly sockets: FakeSocket[] = [];
  readonly WebSocket: WebSocketConstructor;
  readonly fetch: typeof fetch;
  /** Connection attempts still to refuse. */
  refusals = 0;
  /** Connection attempts still to leave hanging in CONNECTING (the connect timeout ends them). */
  stalls = 0;
  /** INITIALIZE requests still to leave unanswered (the initialize timeout ends them). */
  unansweredInitializes = 0;
  /** INITIALIZE requests still to refuse with a server error (`500 db down`): the client retries them like a drop. */
  refusedInitializes = 0;
  /** AUTHORIZE requests still to leave unanswered (the authorize timeout ends them). */
  unansweredAuthorizes = 0;
  /** AUTHORIZE requests still to reject: error 401, then close 4001 (PROTOCOL.md section 4). */
  rejectedAuthorizes = 0;
  /** Resumes still to answer with a fresh session. */
  rejectedResumes = 0;
  /** Answers of the next balancer calls; 200 once they are used up. */
  readonly balancerAnswers: BalancerAnswer[] = [];
  private readonly sessions = new Map<string, FakeServerSession>();
  /** The session whose INITIALIZE result the client saw last: the one it believes it has. */
  private clientSessionId: string | undefined;
  private nextSessionNumber = 1;
  private nextResumeNumber = 1;

  constructor(
    readonly observer: NetworkObserver,
    private readonly settings: FakeServerSettings,
  ) {
    const create = (url: string, protocols: string | string[] | undefined): FakeSocket => {
      const socket = new FakeSocket(this, this.sockets.length, url, protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : protocols);
      this.adopt(socket);
      return socket;
    };
    // A constructor that returns another object makes `new` give that object.
    this.WebSocket = function FakeWebSocket(url: string, protocols?: string | string[]) {
      return create(url, protocols);
    } as unknown as WebSocketConstructor;
    this.fetch = ((_url: string, init?: RequestInit) => this.answerBalancer(init?.signal ?? undefined)) as typeof fetch;
  }

  /** The newest socket, if the client may still be using it. */
  current(): FakeSocket | undefined {
    const last = this.sockets.at(-1);
    return last?.live === true ? last : undefined;
  }

  /** The server-side session of the newest open socket. */
  currentSession(): { readonly subscriptions: ReadonlySet<string>; readonly authorized: boolean } | undefined {
    return this.current()?.session;
  }

  /**
   * Publishes one stream message to every session subscribed to `stream`: sent at once on an open
   * connection, kept for a replay either way.
   * @returns whether the session the client believes it has got it, so that it is owed to the client
   */
  publish(stream: string, data: unknown): boolean {
    let owed = false;
    for (const session of this.sessions.values()) {
      if (!session.subscriptions.has(stream)) continue;
      session.seq++;
      const frame = JSON.stringify({ stream, data, seq: session.seq });
      session.sent.push({ seq: session.seq, frame });
      if (session.socket !== undefined && session.socket.readyState === WS_OPEN) session.socket.deliver(frame);
      if (session.sessionId === this.clientSessionId) owed = true;
    }
    return owed;
  }

  /** @internal */
  adopt(socket: FakeSocket): void {
    this.sockets.push(socket);
    this.observer.socketCreated(socket);
    const refuse = this.refusals > 0;
    if (refuse) this.refusals--;
    const stall = !refuse && this.stalls > 0;
    if (stall) this.stalls--;
    queueMicrotask(() => socket.openOrRefuse(refuse, stall));
  }

  /** @internal The connection is over: its session is held for a resume. */
  detach(socket: FakeSocket): void {
    if (socket.session !== undefined && socket.session.socket === socket) socket.session.socket = undefined;
  }

  /** @internal One packet from the client (already known to be open and not silent). */
  handlePacket(socket: FakeSocket, packet: unknown): void {
    const { id, method, params } = packet as { id: number; method: string; params?: unknown };
    const reply = (result: unknown, delivered?: () => void) => socket.deliver(JSON.stringify({ id, result }), delivered);
    if (method === 'INITIALIZE') {
      if (this.refusedInitializes > 0) {
        this.refusedInitializes--;
        socket.deliver(JSON.stringify({ id, error: { code: 500, message: 'db down' } }));
        return;
      }
      if (this.unansweredInitializes > 0) {
        this.unansweredInitializes--;
        socket.deafSince ??= Date.now();
        return;
      }
      const answer = this.initialize(socket);
      reply(answer, () => {
        this.clientSessionId = answer.sessionId;
        this.observer.initializeDelivered(socket, answer);
      });
      // PROTOCOL.md section 5: a resumed session gets what it missed, in seq order, before anything new.
      if (answer.resumed && socket.session !== undefined) {
        const lastSeq = (params as { lastSeq?: number } | undefined)?.lastSeq ?? 0;
        for (const message of socket.session.sent) if (message.seq > lastSeq) socket.deliver(message.frame);
      }
      return;
    }
    const session = socket.session;
    if (session === undefined) {
      // PROTOCOL.md section 4: any other packet first closes with 4002.
      queueMicrotask(() => socket.endFromServer(4002));
      return;
    }
    switch (method) {
      case 'AUTHORIZE':
        if (this.unansweredAuthorizes > 0) {
          this.unansweredAuthorizes--;
          socket.deafSince ??= Date.now();
          return;
        }
        if (this.rejectedAuthorizes > 0) {
          this.rejectedAuthorizes--;
          socket.deliver(JSON.stringify({ id, error: { code: 401, message: 'unauthorized' } }));
          queueMicrotask(() => queueMicrotask(() => socket.endFromServer(4001)));
          return;
        }
        session.authorized = true;
        reply({});
        return;
      case 'SUBSCRIBE':
        for (const name of params as string[]) session.subscriptions.add(name);
        reply(null);
        return;
      case 'UNSUBSCRIBE':
        for (const name of params as string[]) session.subscriptions.delete(name);
        reply(null);
        return;
      case 'PING':
        reply({ time: Date.now() });
        return;
      case 'ECHO':
        reply(params ?? null);
        return;
      case UNANSWERED_METHOD:
        return;
      default:
        socket.deliver(JSON.stringify({ id, error: { code: -32601, message: `unknown method ${method}` } }));
    }
  }

  private initialize(socket: FakeSocket): InitializeAnswer {
    let session = socket.resumeId === undefined ? undefined : [...this.sessions.values()].find((held) => held.resumeId === socket.resumeId);
    if (session !== undefined && this.rejectedResumes > 0) {
      this.rejectedResumes--;
      this.sessions.delete(session.sessionId);
      session = undefined;
    }
    const resumed = session !== undefined;
    if (session === undefined) {
      session = { sessionId: `s${this.nextSessionNumber++}`, resumeId: '', authorized: false, subscriptions: new Set(), socket: undefined, seq: 0, sent: [] };
      this.sessions.set(session.sessionId, session);
    }
    // Resuming a session still connected elsewhere takes it over (PROTOCOL.md section 5).
    if (session.socket !== undefined && session.socket !== socket) session.socket.endFromServer(4000);
    session.resumeId = `r${this.nextResumeNumber++}`;
    session.socket = socket;
    socket.session = session;
    return {
      sessionId: session.sessionId,
      resumeId: session.resumeId,
      resumed,
      heartbeatMs: this.settings.heartbeatMs,
      authRequired: this.settings.authRequired && !session.authorized,
      ...(this.settings.connectionLifetimeMs === undefined ? {} : { connectionLifetimeMs: this.settings.connectionLifetimeMs }),
    };
  }

  private answerBalancer(signal: AbortSignal | undefined): Promise<Response> {
    const answer = this.balancerAnswers.shift() ?? 200;
    this.observer.fetchStarted(answer);
    if (answer === 'hang') {
      return new Promise((_resolve, reject) => {
        const onAbort = () => {
          this.observer.fetchFailed(answer, true);
          reject(new Error('aborted'));
        };
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    if (answer === 'malformed') {
      // PROTOCOL.md section 1: a 200 whose body is no valid answer is a bad response, which retrying will not fix.
      this.observer.fetchFailed(answer, false);
      return Promise.resolve({ status: 200, body: null, text: () => Promise.resolve('{"endpoint":') } as unknown as Response);
    }
    if (answer !== 200) this.observer.fetchFailed(answer, answer >= 500 || answer === 429);
    const body = answer === 200 ? JSON.stringify({ endpoint: FAKE_ENDPOINT, location: 'fuzz' }) : JSON.stringify({ error: 'fuzz' });
    return Promise.resolve({ status: answer, body: null, text: () => Promise.resolve(body) } as unknown as Response);
  }
}
