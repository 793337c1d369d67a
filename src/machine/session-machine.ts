import { and, assign, cancel, emit, enqueueActions, raise, sendTo, setup } from 'xstate';
import { BalancerError, OptionsError, PhaseTimeoutError, ProtocolViolationError, ServerError, UnauthorizedError, WirestateError } from '../errors.js';
import type { InitializeResult, ProtocolRequest } from '../protocol/types.js';
import { balancerActor, connectionParamsActor } from './actors/provider-actors.js';
import { RELEASE_BY_DROPPING, socketActor, type SocketActorInput } from './actors/socket-actor.js';
import { backoffCeiling, backoffDelay } from './backoff.js';
import { closeOf, decisionFor, fatalErrorFor, parseInitialize } from './decisions.js';
import { DEFAULT_HEARTBEAT_MS, MIN_HEARTBEAT_MS, type ClosedReason, type NextStep, type SessionContext, type SessionEmitted, type SessionEvent, type SessionMachineInput } from './types.js';
import { notConnectedError } from './not-connected.js';
import { rotationDelayMs, rotationRetryDelayMs } from './rotation.js';
import { Secret } from '../secret.js';
import { MAX_TIMER_DELAY_MS } from '../streams/timers.js';

const CLIENT_CLOSE: ClosedReason = { code: 1000, reason: 'client closed', clientRequested: true };

/** The close raised for a phase that timed out or a connection that went quiet: treated like an abnormal drop. */
function lostConnection(reason: string): SessionEvent {
  return { type: 'SOCKET.CLOSED', code: 1006, reason, wasClean: false };
}

function socketInput(context: SessionContext, resume: boolean): SocketActorInput {
  const { input } = context;
  const tokenTransport = input.auth.kind === 'token' ? input.auth.transport : undefined;
  const handshake = input.protocol.handshake({
    endpoint: context.endpoint ?? '',
    codecs: input.codecs,
    subprotocolNames: input.subprotocolNames,
    ...(resume && context.resumeId !== undefined ? { resumeId: context.resumeId } : {}),
    ...(context.token !== undefined && tokenTransport !== 'packet' ? { token: context.token.reveal() } : {}),
    ...(tokenTransport === undefined ? {} : { tokenTransport }),
  });
  return {
    handshake: new Secret(handshake),
    codecs: input.codecs,
    createCodec: input.createCodec,
    subprotocolNames: input.subprotocolNames,
    WebSocket: input.WebSocket,
    protocol: input.protocol,
    inbound: input.inbound,
    maxMessageBytes: input.maxMessageBytes,
    ...(input.maxInboundBytes === undefined ? {} : { maxInboundBytes: input.maxInboundBytes }),
    ...(input.maxFrameBytes === undefined ? {} : { maxFrameBytes: input.maxFrameBytes }),
    now: input.now,
    nextId: input.nextId,
    ...(input.onSocketGone === undefined ? {} : { onSocketGone: input.onSocketGone }),
  };
}

/**
 * The reaction to the timeout of one phase: reported on `errors$` as a PhaseTimeoutError, then handled like an
 * abnormal drop so the close-code policy decides what follows.
 */
function onPhaseTimeout(phase: 'connect' | 'initialize' | 'authorize') {
  return {
    actions: [
      { type: 'reportFailure', params: ({ context }: { context: SessionContext }) => ({ error: new PhaseTimeoutError(phase, context.input.timeouts[`${phase}Ms`]) }) },
      { type: 'raiseLostConnection', params: { reason: `${phase} timeout` } },
    ],
  } as const;
}

/**
 * For the connection-params actor: builds this attempt's handshake with the provided values and
 * rethrows an OptionsError (a token the chosen transport cannot carry), which ends the session with
 * that error instead of failing inside the action that opens the socket.
 */
function handshakeCheck(context: SessionContext, resume: boolean) {
  return (params: { readonly endpoint?: string; readonly token?: Secret<string> }): void => {
    try {
      socketInput({ ...context, endpoint: params.endpoint ?? context.endpoint, token: params.token }, resume);
    } catch (error) {
      if (error instanceof OptionsError) throw error;
    }
  };
}

/**
 * The reaction to a failed endpoint or token provider: an OptionsError (it gave a bad value) or
 * exhausted attempts end the session; anything else is reported and retried after a backoff.
 */
function onProviderError(nextStep: NextStep) {
  return [
    { guard: 'providerErrorIsFatal', target: '#session.closed', actions: 'closeWithError' },
    { guard: 'retriesExhausted', target: '#session.closed', actions: 'closeWithError' },
    { target: '#session.reconnecting', actions: ['reportProviderError', { type: 'scheduleRetry', params: { nextStep } }] },
  ] as const;
}

/**
 * An endpoint or token provider that never settles would hold the session in a preparing step for
 * ever: after `timeouts.providerMs` the attempt is reported as a PhaseTimeoutError and retried
 * after a backoff, like a provider that failed. (The balancer URL provider shares the balancer's
 * own timeout, in its actor.)
 */
function onProviderTimeout(nextStep: NextStep) {
  const timedOut = ({ context }: { context: SessionContext }) => ({ error: new PhaseTimeoutError('provider', context.input.timeouts.providerMs) });
  return [
    { guard: 'retriesExhausted', target: '#session.closed', actions: [{ type: 'reportFailure', params: timedOut }, { type: 'closeWithFailure', params: timedOut }] },
    { target: '#session.reconnecting', actions: [{ type: 'reportFailure', params: timedOut }, { type: 'scheduleRetry', params: { nextStep } }] },
  ] as const;
}

function forgetting(context: SessionContext): Partial<SessionContext> {
  return {
    resumeId: undefined,
    sessionId: undefined,
    resumed: false,
    endpoint: context.input.balancerUrl === undefined ? context.endpoint : undefined,
  };
}

/**
 * How every state with a connection reacts to losing it: the close-code policy decides, the chart
 * follows. Order matters: the guards are tried top to bottom.
 */
const reactToClose = [
  { guard: 'closeIsFatal', target: '#session.closed', actions: ['recordClose', 'closeFatally'] },
  { guard: 'closeMeansResumeNow', target: '#session.resuming', actions: ['recordClose', 'countAttempt'] },
  {
    guard: and(['closeMeansNewSessionNow', 'hasBalancer']),
    target: '#session.resolving',
    actions: ['recordClose', 'useTokenRetry', 'countAttempt', 'forgetSession'],
  },
  { guard: 'closeMeansNewSessionNow', target: '#session.connecting', actions: ['recordClose', 'useTokenRetry', 'countAttempt', 'forgetSession'] },
  {
    target: '#session.reconnecting',
    // useTokenRetry before scheduleRetry: both read the decision at the attempt count of the close.
    actions: ['recordClose', 'useTokenRetry', { type: 'scheduleRetry', params: { nextStep: 'new-session' } }, 'forgetSessionUnlessResuming'],
  },
] as const;

function readyResult(event: SessionEvent): unknown {
  return event.type === 'LIFECYCLE.RESULT' ? event.result : undefined;
}

/**
 * The session machine: one per session, owning its whole life. The state chart is the
 * documentation: every flag a hand-written client would keep is a state or a context field here,
 * every timer an `after` delay, every resource an actor.
 *
 * The socket actor is spawned when a connection attempt starts and released on entry to every
 * state that has no connection of its own (`resolving`, `reconnecting`, `closed`) or starts a new
 * one (`connecting`, `resuming`), so at most one socket exists and none outlives its phase.
 */
export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionMachineInput,
    emitted: {} as SessionEmitted,
  },
  actors: {
    socket: socketActor,
    balancer: balancerActor,
    connectionParams: connectionParamsActor,
  },
  delays: {
    retryDelay: ({ context }) => context.retryDelayMs ?? 0,
    minUptime: ({ context }) => context.input.backoff.minUptimeMs,
    providerTimeout: ({ context }) => context.input.timeouts.providerMs,
    connectTimeout: ({ context }) => context.input.timeouts.connectMs,
    initializeTimeout: ({ context }) => context.input.timeouts.initializeMs,
    authorizeTimeout: ({ context }) => context.input.timeouts.authorizeMs,
    livenessDelay: ({ context }) => context.livenessDelayMs,
    heartbeat: ({ context }) => context.heartbeatMs,
  },
  guards: {
    hasBalancer: ({ context }) => context.input.balancerUrl !== undefined,
    hasResumePoint: ({ context }) => context.input.resumeFrom !== undefined,
    needsInitialize: ({ context }) => context.input.protocol.features.initialize,
    closeIsFatal: ({ context, event }) => decisionFor(context, event).kind === 'fatal',
    closeMeansResumeNow: ({ context, event }) => {
      const decision = decisionFor(context, event);
      return decision.kind === 'resume' && decision.delay === 'none';
    },
    closeMeansNewSessionNow: ({ context, event }) => {
      const decision = decisionFor(context, event);
      return decision.kind === 'new-session' && decision.delay === 'none';
    },
    nextStepIsResume: ({ context }) => context.nextStep === 'resume',
    retriesExhausted: ({ context }) => context.attempt >= context.input.backoff.maxAttempts,
    balancerErrorIsRetryable: ({ event }) => 'error' in event && event.error instanceof BalancerError && event.error.retryable,
    providerErrorIsFatal: ({ event }) => 'error' in event && event.error instanceof OptionsError,
    initializeIsInvalid: ({ context, event }) => parseInitialize(context, readyResult(event)) instanceof WirestateError,
    initializeResumed: ({ context, event }) => {
      const result = parseInitialize(context, readyResult(event));
      return !(result instanceof WirestateError) && result.resumed;
    },
    initializeNeedsAuthorize: ({ context, event }) => {
      const result = parseInitialize(context, readyResult(event));
      return !(result instanceof WirestateError) && result.authRequired && context.input.protocol.features.authorize;
    },
    lacksCredentials: ({ context }) => context.input.auth.kind === 'none',
    errorIsUnauthorized: ({ context, event }) => event.type === 'LIFECYCLE.ERROR' && context.input.protocol.isUnauthorized(event.error),
  },
  actions: {
    releaseSocket: enqueueActions(({ enqueue, context, self }) => {
      if (self.getSnapshot().children.socket !== undefined) {
        enqueue.sendTo('socket', { type: 'RELEASE', code: context.releaseCode });
        enqueue.stopChild('socket');
      }
      enqueue.assign({ releaseCode: RELEASE_BY_DROPPING, directSend: undefined });
    }),
    openFreshSocket: enqueueActions(({ enqueue, context }) => {
      // lastError: a rejected authorize of an earlier connection says nothing about how this one ends.
      enqueue.assign({ socketOpened: false, lastError: undefined });
      enqueue.spawnChild('socket', { id: 'socket', input: socketInput(context, false) });
    }),
    openResumeSocket: enqueueActions(({ enqueue, context }) => {
      enqueue.assign({ socketOpened: false, lastError: undefined });
      enqueue.spawnChild('socket', { id: 'socket', input: socketInput(context, true) });
    }),
    recordOpen: assign(({ context, event }) => {
      if (event.type !== 'SOCKET.OPEN') return {};
      return {
        socketOpened: true,
        codec: event.codec,
        resumeId: event.resumeId ?? context.resumeId,
        connectionId: event.connectionId ?? context.connectionId,
        directSend: event.send,
        connectionOpenedAt: context.input.now(),
        connectionLifetimeMs: undefined,
        rotationFailures: 0,
      };
    }),
    recordClose: enqueueActions(({ enqueue, event }) => {
      enqueue.assign({ lastClose: closeOf(event) });
      // Why the connection failed (refused, DNS, an HTTP status on the upgrade): without it a
      // failure would show only as close 1006 with no reason.
      if (event.type === 'SOCKET.CLOSED' && event.error !== undefined) {
        enqueue.assign({ lastFailure: event.error });
        enqueue.emit({ type: 'error', error: event.error });
      }
    }),
    sendInitialize: sendTo('socket', ({ context }) => ({ type: 'LIFECYCLE.REQUEST' as const, step: 'initialize' as const, request: { kind: 'initialize' as const, client: context.input.clientName } })),
    sendResumeInitialize: sendTo('socket', ({ context }) => {
      // 0 when nothing arrived yet: the server then replays everything it buffered for the session.
      // The stream layer's lastSeq belongs to the session that was last ready; a replacement that
      // dropped before becoming ready has received nothing, and the older seq would make the server
      // refuse its resume as a gap.
      const lastSeq = context.sessionId === context.readySessionId ? (context.input.getLastSeq() ?? 0) : 0;
      return {
        type: 'LIFECYCLE.REQUEST' as const,
        step: 'initialize' as const,
        request: { kind: 'initialize' as const, client: context.input.clientName, lastSeq },
      };
    }),
    sendAuthorize: enqueueActions(({ enqueue, context }) => {
      const { auth } = context.input;
      // Without credentials the `always` transition of `authorizing` ends the session instead.
      if (auth.kind === 'none') return;
      const credentials = auth.kind === 'credentials' ? auth.credentials.reveal() : { token: context.token?.reveal() ?? '' };
      enqueue.sendTo('socket', { type: 'LIFECYCLE.REQUEST', step: 'authorize', request: new Secret<ProtocolRequest>({ kind: 'authorize', credentials }) });
    }),
    recordInitialize: assign(({ context, event }) => {
      const result = parseInitialize(context, readyResult(event)) as InitializeResult;
      return {
        sessionId: result.sessionId ?? context.sessionId,
        resumeId: result.resumeId ?? context.resumeId,
        // A server's heartbeat beyond what a timer can hold would fire at once (setTimeout's 32-bit limit).
        // A server announcing 1 ms would make every connection look dead at once: MIN_HEARTBEAT_MS is the floor.
        heartbeatMs: Math.min(Math.max(context.input.heartbeatMs ?? result.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, MIN_HEARTBEAT_MS), MAX_TIMER_DELAY_MS),
        resumed: result.resumed,
        connectionLifetimeMs: result.connectionLifetimeMs,
      };
    }),
    markFresh: assign({ resumed: false }),
    becomeReady: enqueueActions(({ enqueue, context }) => {
      const resumed = context.resumed && context.sessionId === context.readySessionId;
      // attempt and tokenRetryUsed start over only once the connection proved healthy (markHealthy).
      enqueue.assign({ readyCount: context.readyCount + 1, livenessDelayMs: context.heartbeatMs, lastError: undefined, lastFailure: undefined, retryDelayMs: undefined, nextRetryAt: undefined, resumed, readySessionId: context.sessionId });
      // A zero minimum uptime means "healthy once authorized", decided now rather than by a timer a step later.
      if (context.input.backoff.minUptimeMs === 0) enqueue.assign({ attempt: 0, tokenRetryUsed: false });
      enqueue.emit({ type: 'ready', resumed, readyCount: context.readyCount + 1, ...(context.directSend === undefined ? {} : { send: context.directSend }) });
    }),
    markHealthy: assign({ attempt: 0, tokenRetryUsed: false }),
    emitConnectionLost: emit({ type: 'connection-lost' as const }),
    forwardToSocket: sendTo('socket', ({ event }) => event as Extract<SessionEvent, { type: 'SEND' }>),
    refuseSend: ({ event }) => {
      if (event.type === 'SEND') event.onSendError(notConnectedError());
    },
    checkLiveness: sendTo('socket', ({ context }) => ({ type: 'LIVENESS.CHECK' as const, probing: false, heartbeatMs: context.heartbeatMs })),
    confirmLiveness: sendTo('socket', ({ context }) => ({ type: 'LIVENESS.CHECK' as const, probing: true, heartbeatMs: context.heartbeatMs })),
    scheduleNextCheck: assign(({ context, event }) => ({
      livenessDelayMs: Math.max(1, context.heartbeatMs - (event.type === 'LIVENESS.OK' ? event.quietForMs : 0)),
    })),
    raiseLostConnection: raise((_, params: { reason: string }) => lostConnection(params.reason)),
    reportProviderError: enqueueActions(({ enqueue, event }) => {
      const error = new WirestateError('connection', `A provider (endpoint or token) failed: ${String('error' in event ? event.error : event)}`, { cause: 'error' in event ? event.error : undefined });
      enqueue.assign({ lastFailure: error });
      enqueue.emit({ type: 'error', error });
    }),
    reportFailure: enqueueActions(({ enqueue }, params: { error: WirestateError }) => {
      enqueue.assign({ lastFailure: params.error });
      enqueue.emit({ type: 'error', error: params.error });
    }),
    closeWithFailure: assign(({ context }, params: { error: WirestateError }) => ({
      closedReason: { code: context.lastClose?.code ?? 1000, reason: params.error.message, clientRequested: false, error: params.error },
      releaseCode: 1000,
    })),
    scheduleRetry: assign(({ context, event }, params: { nextStep: NextStep }) => {
      const decision = event.type === 'SOCKET.CLOSED' ? decisionFor(context, event) : undefined;
      const kind = decision !== undefined && 'delay' in decision && decision.delay === 'long-backoff' ? 'long-backoff' : 'backoff';
      const nextStep: NextStep = decision !== undefined && decision.kind === 'resume' ? 'resume' : params.nextStep;
      const retryDelayMs = backoffDelay(context.attempt, context.input.backoff, context.input.random, kind);
      return { retryDelayMs, nextRetryAt: context.input.now() + retryDelayMs, nextStep, attempt: context.attempt + 1 };
    }),
    countAttempt: assign(({ context }) => ({ attempt: context.attempt + 1 })),
    useTokenRetry: assign(({ context, event }) => {
      const decision = decisionFor(context, event);
      return decision.kind === 'new-session' && decision.freshToken === true ? { tokenRetryUsed: true } : {};
    }),
    forgetSessionUnlessResuming: assign(({ context }) => (context.nextStep === 'resume' ? {} : forgetting(context))),
    forgetSession: assign(({ context }) => forgetting(context)),
    closeFatally: assign(({ context, event }) => {
      const close = closeOf(event);
      const decision = decisionFor(context, event);
      const why = decision.kind === 'fatal' ? decision.reason : 'the close-code policy made it fatal';
      const error = fatalErrorFor(context, close, why);
      return { closedReason: { code: close.code, reason: close.reason, clientRequested: false, error }, releaseCode: 1000 };
    }),
    closeWithError: assign(({ context, event }) => {
      const error =
        'error' in event && event.error instanceof WirestateError
          ? event.error
          : new WirestateError('connection', `The session failed: ${'error' in event ? String(event.error) : 'unknown error'}`, { cause: 'error' in event ? event.error : undefined });
      return { closedReason: { code: context.lastClose?.code ?? 1000, reason: error.message, clientRequested: false, error }, releaseCode: 1000 };
    }),
    closeOnInvalidInitialize: assign(({ context, event }) => ({
      closedReason: { code: 1000, reason: 'invalid initialize result', clientRequested: false, error: parseInitialize(context, readyResult(event)) as WirestateError },
      releaseCode: 1000,
    })),
    closeOnLifecycleError: assign(({ event }, params: { step: 'initialize' | 'authorize' }) => {
      const error =
        event.type === 'LIFECYCLE.ERROR' ? new ServerError(params.step, event.error.code, event.error.message, event.error.data) : new ProtocolViolationError(`${params.step} failed`);
      return { closedReason: { code: 1000, reason: `${params.step} failed`, clientRequested: false, error }, releaseCode: 1000 };
    }),
    closeByClient: assign({ closedReason: CLIENT_CLOSE, releaseCode: 1000 }),
    // Rotation (docs/lifecycle.md): the machine only keeps the time; the socket actor makes the new
    // connection before it breaks the old one, and the session stays `authorized` throughout.
    scheduleRotation: enqueueActions(({ enqueue, context }) => {
      enqueue.cancel('rotation');
      const delay =
        context.rotationFailures > 0
          ? // The ceiling, without jitter: a retry is one client's, and the reconnect backoff's random draws stay its own.
            rotationRetryDelayMs(context.input.rotation, context.connectionLifetimeMs, backoffCeiling(context.rotationFailures - 1, context.input.backoff))
          : rotationDelayMs(context.input.rotation, context.connectionLifetimeMs, context.connectionOpenedAt ?? context.input.now(), context.input.now());
      if (delay !== undefined) enqueue.raise({ type: 'ROTATION.DUE' }, { id: 'rotation', delay });
    }),
    cancelRotation: cancel('rotation'),
    rotate: sendTo('socket', ({ context }) => ({
      type: 'ROTATE' as const,
      handshake: socketInput(context, true).handshake,
      client: context.input.clientName,
      lastSeq: context.input.getLastSeq,
      timeoutMs: context.input.timeouts.connectMs + context.input.timeouts.initializeMs,
      continuesAfter: (code: number) => decisionFor(context, { type: 'SOCKET.CLOSED', code, reason: '', wasClean: true }).kind === 'resume',
    })),
    recordRotation: assign(({ context, event }) => {
      if (event.type !== 'SOCKET.ROTATED') return {};
      return {
        rotations: context.rotations + 1,
        rotationFailures: 0,
        connectionOpenedAt: event.openedAt,
        connectionLifetimeMs: event.lifetimeMs ?? context.connectionLifetimeMs,
        resumeId: event.resumeId ?? context.resumeId,
        connectionId: event.connectionId ?? context.connectionId,
      };
    }),
    recordRotationFailure: enqueueActions(({ enqueue, context, event }) => {
      if (event.type !== 'SOCKET.ROTATION_FAILED') return;
      enqueue.assign({ rotationFailures: context.rotationFailures + 1 });
      enqueue.emit({ type: 'error', error: event.error });
    }),
    emitClosed: emit(({ context }) => ({ type: 'closed' as const, reason: context.closedReason ?? CLIENT_CLOSE })),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    input,
    attempt: 0,
    nextStep: 'new-session',
    socketOpened: false,
    heartbeatMs: input.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    livenessDelayMs: input.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    tokenRetryUsed: false,
    readyCount: 0,
    resumed: false,
    releaseCode: RELEASE_BY_DROPPING,
    rotations: 0,
    rotationFailures: 0,
    // A session handed over by another client counts as ready before: its resume continues it.
    ...(input.resumeFrom === undefined
      ? {}
      : { endpoint: input.resumeFrom.endpoint, resumeId: input.resumeFrom.resumeId, sessionId: input.resumeFrom.sessionId, readySessionId: input.resumeFrom.sessionId }),
  }),
  initial: 'idle',
  on: {
    CLOSE: { target: '.closed', actions: 'closeByClient' },
    // The server chose a subprotocol the client did not offer: no codec can be trusted, so stop.
    'SOCKET.FAILED': { target: '.closed', actions: 'closeWithError' },
    SEND: { actions: 'refuseSend' },
  },
  states: {
    idle: {
      on: {
        START: [{ guard: 'hasResumePoint', target: 'resuming' }, { guard: 'hasBalancer', target: 'resolving' }, { target: 'connecting' }],
      },
    },

    resolving: {
      entry: 'releaseSocket',
      invoke: {
        src: 'balancer',
        input: ({ context }) => ({
          balancerUrl: context.input.balancerUrl ?? '',
          timeoutMs: context.input.timeouts.balancerMs,
          ...(context.input.fetch === undefined ? {} : { fetch: context.input.fetch }),
        }),
        onDone: {
          target: 'connecting',
          actions: assign(({ event }) => ({ endpoint: event.output.endpoint, location: event.output.location })),
        },
        onError: [
          { guard: 'retriesExhausted', target: 'closed', actions: 'closeWithError' },
          {
            guard: 'balancerErrorIsRetryable',
            target: 'reconnecting',
            actions: [{ type: 'reportFailure', params: ({ event }) => ({ error: event.error as WirestateError }) }, { type: 'scheduleRetry', params: { nextStep: 'new-session' } }],
          },
          { target: 'closed', actions: 'closeWithError' },
        ],
      },
    },

    connecting: {
      entry: 'releaseSocket',
      initial: 'preparing',
      states: {
        preparing: {
          invoke: {
            src: 'connectionParams',
            input: ({ context }) => ({
              ...(context.input.balancerUrl === undefined && context.input.endpoint !== undefined ? { endpoint: context.input.endpoint } : {}),
              ...(context.input.auth.kind === 'token' ? { token: context.input.auth.token } : {}),
              check: handshakeCheck(context, false),
            }),
            onDone: {
              target: 'opening',
              actions: assign(({ context, event }) => ({ endpoint: event.output.endpoint ?? context.endpoint, token: event.output.token })),
            },
            onError: onProviderError('new-session'),
          },
          after: { providerTimeout: onProviderTimeout('new-session') },
        },
        opening: {
          entry: 'openFreshSocket',
          after: { connectTimeout: onPhaseTimeout('connect') },
          on: {
            'SOCKET.OPEN': [
              { guard: 'needsInitialize', target: '#session.initializing', actions: 'recordOpen' },
              { target: '#session.authorized', actions: ['recordOpen', 'markFresh'] },
            ],
          },
        },
      },
      on: {
        'SOCKET.CLOSED': reactToClose,
      },
    },

    initializing: {
      entry: 'sendInitialize',
      after: { initializeTimeout: onPhaseTimeout('initialize') },
      on: {
        'LIFECYCLE.RESULT': [
          { guard: 'initializeIsInvalid', target: '#session.closed', actions: 'closeOnInvalidInitialize' },
          { guard: 'initializeNeedsAuthorize', target: 'authorizing', actions: ['recordInitialize', 'markFresh'] },
          { target: 'authorized', actions: ['recordInitialize', 'markFresh'] },
        ],
        'LIFECYCLE.ERROR': { target: '#session.closed', actions: { type: 'closeOnLifecycleError', params: { step: 'initialize' } } },
        'SOCKET.CLOSED': reactToClose,
      },
    },

    authorizing: {
      always: {
        guard: 'lacksCredentials',
        target: 'closed',
        actions: assign({
          closedReason: {
            code: 1000,
            reason: 'no credentials',
            clientRequested: false,
            error: new UnauthorizedError('The server requires authorization but no `auth` option was given: pass { license }, { username, password } or { token }.'),
          },
          releaseCode: 1000,
        }),
      },
      entry: 'sendAuthorize',
      after: { authorizeTimeout: onPhaseTimeout('authorize') },
      on: {
        'LIFECYCLE.RESULT': 'authorized',
        'LIFECYCLE.ERROR': [
          // The server follows a rejected authorize request with close 4001; the close-code policy decides then.
          { guard: 'errorIsUnauthorized', actions: assign({ lastError: () => new UnauthorizedError() }) },
          { target: 'closed', actions: { type: 'closeOnLifecycleError', params: { step: 'authorize' } } },
        ],
        'SOCKET.CLOSED': reactToClose,
      },
    },

    authorized: {
      entry: ['becomeReady', 'scheduleRotation'],
      exit: ['cancelRotation', 'emitConnectionLost'],
      // Only a connection that stays up this long resets the attempt count and the backoff.
      after: { minUptime: { actions: 'markHealthy' } },
      initial: 'watching',
      on: {
        SEND: { actions: 'forwardToSocket' },
        'SOCKET.CLOSED': reactToClose,
        'LIVENESS.DEAD': { actions: raise(lostConnection('no frame received for two heartbeats')) },
        'ROTATION.DUE': { actions: 'rotate' },
        'SOCKET.ROTATED': { actions: ['recordRotation', 'scheduleRotation'] },
        'SOCKET.ROTATION_FAILED': { actions: ['recordRotationFailure', 'scheduleRotation'] },
      },
      states: {
        watching: {
          after: { livenessDelay: { target: 'checking', actions: 'checkLiveness' } },
        },
        checking: {
          on: {
            'LIVENESS.OK': { target: 'watching', actions: 'scheduleNextCheck' },
            'LIVENESS.PINGED': 'probing',
          },
        },
        probing: {
          after: { heartbeat: { target: 'confirming', actions: 'confirmLiveness' } },
        },
        confirming: {
          on: {
            'LIVENESS.OK': { target: 'watching', actions: 'scheduleNextCheck' },
          },
        },
      },
    },

    resuming: {
      entry: 'releaseSocket',
      initial: 'preparing',
      states: {
        preparing: {
          invoke: {
            src: 'connectionParams',
            input: ({ context }) => ({
              ...(context.input.auth.kind === 'token' ? { token: context.input.auth.token } : {}),
              check: handshakeCheck(context, true),
            }),
            onDone: {
              target: 'connecting',
              actions: assign(({ event }) => ({ token: event.output.token })),
            },
            onError: onProviderError('resume'),
          },
          after: { providerTimeout: onProviderTimeout('resume') },
        },
        connecting: {
          entry: 'openResumeSocket',
          after: { connectTimeout: onPhaseTimeout('connect') },
          on: {
            'SOCKET.OPEN': { target: 'initializing', actions: 'recordOpen' },
          },
        },
        initializing: {
          entry: 'sendResumeInitialize',
          after: { initializeTimeout: onPhaseTimeout('initialize') },
          on: {
            'LIFECYCLE.RESULT': [
              { guard: 'initializeIsInvalid', target: '#session.closed', actions: 'closeOnInvalidInitialize' },
              // A resumed session the server still wants authorized (it dropped before the authorize request was answered) is authorized first.
              { guard: 'initializeNeedsAuthorize', target: '#session.authorizing', actions: 'recordInitialize' },
              { guard: 'initializeResumed', target: '#session.authorized', actions: 'recordInitialize' },
              { target: '#session.authorized', actions: ['recordInitialize', 'markFresh'] },
            ],
            'LIFECYCLE.ERROR': { target: '#session.closed', actions: { type: 'closeOnLifecycleError', params: { step: 'initialize' } } },
          },
        },
      },
      on: {
        // docs/protocol.md section 5: an endpoint that refuses the resume connection sends the client back
        // to the balancer. The close-code policy says so itself (a resume whose socket never opened
        // becomes a new session), and so also ends the session when the attempts are spent or the
        // user made the code fatal.
        'SOCKET.CLOSED': reactToClose,
      },
    },

    reconnecting: {
      entry: 'releaseSocket',
      after: {
        retryDelay: [
          { guard: 'nextStepIsResume', target: 'resuming' },
          { guard: 'hasBalancer', target: 'resolving' },
          { target: 'connecting' },
        ],
      },
    },

    closed: {
      type: 'final',
      entry: ['releaseSocket', 'emitClosed'],
    },
  },
});
