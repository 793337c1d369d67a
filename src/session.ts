import { CLOSE_CODES } from './constants.js';
import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { createActor } from 'xstate';
import { definedOnly } from './defined-only.js';
import { SessionClosedError, WirestateError } from './errors.js';
import { RELEASE_BY_DROPPING } from './machine/actors/socket-actor.js';
import { publicStateName, sessionMachine } from './machine/session-machine.js';
import type { ClosedReason, DirectSend, InboundSink, ResumePoint, SessionStateName } from './machine/types.js';
import { refusedMethod } from './protocol/callable-method.js';
import type { OpenedSession, ServerEvent, Session, SessionActor, SessionRequestOptions } from './session/api.js';
import { attachLogger } from './session/attach-logger.js';
import { ignoredCloseArguments, refusedRequestOptions } from './session/call-options.js';
import { resolveOptions, type SessionOptions } from './session/options.js';
import { notSentReason } from './session/not-sent-reason.js';
import { makePrintable } from './session/printable.js';
import { createDeferredSharedSession } from './session/shared/deferred.js';
import { waitForState, type WaitOptions } from './session/wait.js';
import { snapshotChanged, toSessionSnapshot, type SessionSnapshot } from './session/snapshot.js';
import { createIdSource } from './streams/ids.js';
import { StreamRegistry } from './streams/registry.js';
import { sendUnacknowledged } from './streams/unacknowledged.js';
import { chunk } from './streams/stream-entry.js';
import { RequestCorrelator, type SendRequest } from './streams/requests.js';
import { resolveWebSocket } from './transport/default-websocket.js';
import type { SocketExtensions, WebSocketConstructor } from './transport/types.js';

export type { OpenedSession, ServerEvent, Session, SessionActor, SessionRequestOptions } from './session/api.js';

/**
 * Creates a session. It connects on first use (or on `start()` with `lazy: false`), resolves an
 * endpoint through the balancer, negotiates a codec, initializes and authorizes where the protocol
 * has those steps, then serves streams and requests, resuming across drops as the close-code
 * policy says (or, with a protocol that cannot resume, reconnecting with a re-subscribe and `gaps$`).
 *
 * @example
 * ```ts
 * const session = createSession({ balancer: 'https://api.example.com', auth: { token: () => getToken() } });
 * session.stream<Trade>('btcusdt@trade').subscribe((trade) => render(trade));
 * const echoed = await session.request('ECHO', { hello: 1 });
 * await session.close();
 * ```
 */
export function createSession(options: SessionOptions): Session {
  return createSessionOn(BROWSER_PLATFORM, options);
}

/**
 * What an entry point adds to the sessions it creates: the browser entry nothing, the Node entry
 * `ws` as the default WebSocket and the extensions that read its handshake response, send ping
 * frames and fragment (so that none of that code reaches a browser bundle).
 */
export interface SessionPlatform {
  /** The WebSocket used when `options.WebSocket` is absent; else the platform's global one. */
  readonly WebSocket?: WebSocketConstructor;
  /** What that WebSocket offers beyond the standard API. */
  readonly socketExtensions?: SocketExtensions;
}

const BROWSER_PLATFORM: SessionPlatform = Object.freeze({});

/** {@link createSession} on `platform`: what each entry point's `createSession` calls. */
export function createSessionOn(platform: SessionPlatform, options: SessionOptions): Session {
  if (options?.share !== undefined) return createDeferredSharedSession(options, (shared, resumeFrom) => openSession(shared, resumeFrom, platform));
  return openSession(options, undefined, platform);
}


/**
 * Creates a session in this tab or process (what {@link createSession} does without `share`),
 * optionally continuing a server session another client started (`resumeFrom`), with the
 * platform's socket extensions where it has any (see {@link createSessionOn}).
 */
export function openSession(options: SessionOptions, resumeFrom?: ResumePoint, platform: SessionPlatform = BROWSER_PLATFORM): OpenedSession {
  const resolved = resolveOptions(options);
  // The handed-over lastSeq stands until this session's own stream layer has one, or a fresh session replaces it.
  let resumeSeq = resumeFrom?.lastSeq;
  const WebSocket = resolveWebSocket(resolved.WebSocket ?? platform.WebSocket);
  const nextId = createIdSource();
  const events$ = new Subject<ServerEvent>();
  const errors$ = new Subject<WirestateError>();

  // The socket's own send, held only between the machine's 'ready' and 'connection-lost': the
  // machine still decides when sending is allowed, but a request skips its event queue.
  let directSend: DirectSend | undefined;
  const sendToSocket: SendRequest = (id, request, onSendError) => {
    if (directSend === undefined) {
      sessionActor.send({ type: 'SEND', id, request, onSendError });
      return;
    }
    const error = directSend(id, request, onSendError);
    if (error !== undefined) onSendError(error);
  };
  // A subscribe lost with a replaced socket leaves its stream "maybe on the server": once its
  // rejection has landed (a macrotask later), the registry reconciles on the new socket.
  let reconcileTimer: ReturnType<typeof setTimeout> | undefined;
  function reconcileStreamsSoon(): void {
    reconcileTimer ??= setTimeout(() => {
      reconcileTimer = undefined;
      if (directSend !== undefined) registry.sessionReady({ resumed: true, fresh: false });
    }, 0);
  }
  const correlator = new RequestCorrelator({
    nextId,
    // Handed over as it is, not wrapped: one layer less on every request. It reads the actor
    // (created below) only when called, and the correlator sends once the machine says ready.
    send: sendToSocket,
    defaultTimeoutMs: resolved.requestTimeoutMs,
    maxQueued: resolved.maxQueuedRequests,
    // The session's one clock (the machine's too), so an injected clock and fake timers agree.
    now: resolved.now,
    whyNotSent: () => {
      const snapshot = sessionActor.getSnapshot();
      return notSentReason(publicStateName(snapshot.value, snapshot.context), snapshot.context);
    },
  });
  const registry = new StreamRegistry({
    // Not idempotent on purpose: a subscribe or unsubscribe in flight at a drop fails with
    // ConnectionLostError instead of being re-sent as it was, and the registry decides again on the
    // next ready from the observers of that moment (a fresh session then gets one re-subscribe
    // batch, and a stream nobody observes any more is not subscribed just to be unsubscribed).
    call: (request) =>
      resolved.protocol.acknowledgesSubscriptions === false && (request.kind === 'subscribe' || request.kind === 'unsubscribe')
        ? sendUnacknowledged(sendToSocket, nextId, request)
        : correlator.request(request, { idempotent: false, timeoutMs: resolved.requestTimeoutMs }),
    failedStreams: (error, requested) => resolved.protocol.failedStreams(error, requested),
    maxStreamsPerPacket: resolved.maxStreamsPerPacket,
    lingerMs: resolved.unsubscribeLingerMs,
    trackSeq: resolved.protocol.features.seq,
    onError: (error) => errors$.next(error as WirestateError),
    // A stream connects the session on its first subscription (`start` is hoisted).
    onObserve: () => start(),
  });

  const inbound: InboundSink = {
    onStream: (stream, data, seq) => registry.route(stream, data, seq),
    onResponse: (packet) => {
      if (packet.kind === 'result') correlator.handleResult(packet.id, packet.result);
      else correlator.handleError(packet.id, packet.error);
    },
    onEvent: (event, data) => events$.next(data === undefined ? { event } : { event, data }),
    onError: (error) => errors$.next(error),
    // A rotation without resume subscribes these on the replacement connection.
    activeStreamBatches: () => chunk(registry.activeStreams(), resolved.maxStreamsPerPacket),
    // Lost with a socket a rotation let go: the idempotent requests queued again go out now.
    onRequestsLost: () => {
      if (directSend === undefined) return;
      correlator.setReady(true);
      reconcileStreamsSoon();
    },
  };

  // Sockets not yet fully gone: close() waits for them so that nothing is left when it resolves.
  const socketsOpen = new Set<Promise<void>>();
  const sessionActor: SessionActor = createActor(sessionMachine, {
    input: {
      protocol: resolved.protocol,
      balancerUrl: resolved.balancerUrl,
      endpoint: resolved.endpoint,
      codecs: resolved.codecs,
      createCodec: resolved.createCodec,
      subprotocolNames: resolved.subprotocolNames,
      auth: resolved.auth,
      backoff: resolved.backoff,
      closeCodes: resolved.closeCodes,
      timeouts: resolved.timeouts,
      heartbeatMs: resolved.heartbeatMs,
      maxMessageBytes: resolved.maxMessageBytes,
      maxInboundBytes: resolved.maxInboundBytes,
      ...definedOnly({ maxFrameBytes: resolved.maxFrameBytes }),
      clientName: resolved.clientName,
      WebSocket,
      ...definedOnly({ socketExtensions: platform.socketExtensions }),
      fetch: resolved.fetch,
      random: resolved.random,
      now: resolved.now,
      nextId,
      inbound,
      getLastSeq: () => registry.lastSeq ?? resumeSeq,
      resumeFrom,
      rotation: resolved.rotation,
      onSocketGone: (gone) => {
        socketsOpen.add(gone);
        void gone.then(() => socketsOpen.delete(gone));
      },
    },
    ...definedOnly({ inspect: resolved.inspect }),
  });

  const initial = sessionActor.getSnapshot();
  const state$ = new BehaviorSubject<SessionSnapshot>(toSessionSnapshot(initial.value, initial.context));
  let finalSnapshot: SessionSnapshot | undefined;
  let resolveClosed!: (reason: ClosedReason) => void;
  const closed = new Promise<ClosedReason>((resolve) => (resolveClosed = resolve));

  sessionActor.on('ready', ({ resumed, send }) => {
    directSend = send;
    if (!resumed) resumeSeq = undefined;
    correlator.setReady(true);
    registry.sessionReady({ resumed, fresh: !resumed });
  });
  sessionActor.on('connection-lost', () => {
    directSend = undefined;
    correlator.setReady(false);
    // Decided a microtask later: when the session is closing rather than reconnecting, the
    // 'closed' event of the same step fails everything with SessionClosedError instead.
    queueMicrotask(() => {
      if (sessionActor.getSnapshot().status === 'done') return;
      correlator.connectionLost();
      registry.connectionLost();
    });
  });
  let ended = false;
  function endSession(reason: ClosedReason): void {
    if (ended) return;
    ended = true;
    const error = reason.error;
    correlator.closeAll(new SessionClosedError(undefined, error ? { cause: error } : undefined));
    registry.close(error);
    events$.complete();
    errors$.complete();
    resolveClosed(reason);
  }

  sessionActor.on('error', ({ error }) => errors$.next(error));
  sessionActor.on('closed', ({ reason }) => endSession(reason));
  sessionActor.subscribe({
    next(snapshot) {
      const next = toSessionSnapshot(snapshot.value, snapshot.context);
      if (snapshotChanged(state$.getValue(), next)) state$.next(next);
      if (snapshot.status === 'done' && finalSnapshot === undefined) {
        finalSnapshot = state$.getValue();
        state$.complete();
      }
    },
    error(thrown) {
      // An action threw: XState stopped the actor, which emits nothing more (no 'closed') and leaves
      // its children running. End the session here as a fatal close would, or close(), requests
      // and streams would wait for ever and the socket would stay open.
      const error =
        thrown instanceof WirestateError ? thrown : new WirestateError('connection', 'session failed', { cause: thrown });
      sessionActor.getSnapshot().children.socket?.send({ type: 'RELEASE', code: RELEASE_BY_DROPPING });
      errors$.next(error);
      const reason: ClosedReason = { code: CLOSE_CODES.Abnormal, reason: error.message, clientRequested: false, error };
      endSession(reason);
      if (finalSnapshot === undefined) {
        finalSnapshot = { ...state$.getValue(), value: 'closed', closedReason: reason };
        state$.next(finalSnapshot);
        state$.complete();
      }
    },
  });
  if (resolved.logger !== undefined) attachLogger({ state$, errors$ }, resolved.logger, resolved.now);
  sessionActor.start();

  function start() {
    if (sessionActor.getSnapshot().value === 'idle') sessionActor.send({ type: 'START' });
  }
  if (!resolved.lazy) start();

  // A completed BehaviorSubject replays nothing: a late observer gets the final snapshot instead.
  // Written out rather than defer and of, which would bring about 4 KiB of RxJS (minified) into every app's bundle.
  const publicState$ = new Observable<SessionSnapshot>((subscriber) => {
    if (finalSnapshot === undefined) return state$.subscribe(subscriber);
    subscriber.next(finalSnapshot);
    subscriber.complete();
    return undefined;
  });
  const session: OpenedSession = {
    state$: publicState$,
    ready(waitOptions?: WaitOptions) {
      start();
      return waitForState(publicState$, 'authorized', waitOptions, 'ready');
    },
    waitFor: (state: SessionStateName, waitOptions?: WaitOptions) => waitForState(publicState$, state, waitOptions),
    stream: <T>(name: string): Observable<T> => registry.observe<T>(name),
    streamState: (name: string) => registry.streamState(name),
    inspectStreams: () => registry.inspect(),
    request<R>(method: string, params?: unknown, requestOptions?: SessionRequestOptions): Promise<R> {
      const refused = refusedMethod(resolved.protocol, method);
      if (refused !== undefined) return Promise.reject(refused);
      // Left out, as in most calls: nothing to check (the hot path of a request loop).
      const badOptions = requestOptions === undefined ? undefined : refusedRequestOptions(requestOptions);
      if (badOptions !== undefined) return badOptions;
      start();
      // The per-call options have the correlator's shape: handed over as they are, without a copy.
      // No definedOnly on the hot path: the one optional field is left out by hand.
      return correlator.request(params === undefined ? { kind: 'call', method } : { kind: 'call', method, params }, requestOptions) as Promise<R>;
    },
    events$: events$.asObservable(),
    gaps$: registry.gaps$,
    errors$: errors$.asObservable(),
    start,
    async close(...given: unknown[]) {
      const ignored = ignoredCloseArguments(given);
      if (ignored !== undefined && !errors$.closed) errors$.next(ignored);
      if (sessionActor.getSnapshot().status === 'active') sessionActor.send({ type: 'CLOSE' });
      await closed;
      // The close handshake of the last socket finishes (or its grace runs out) before close() resolves.
      await Promise.all(socketsOpen);
    },
    closed,
    actor: sessionActor,
    lastSeq: () => registry.lastSeq,
  };
  return makePrintable(session, () => finalSnapshot ?? state$.getValue());
}
