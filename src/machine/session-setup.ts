/**
 * The session machine's implementations, declared once with `setup`: its types, actors, delays,
 * guards and actions. The chart that wires them together is `session-machine.ts`; the pure helpers
 * they call are in `decisions.ts` and `attempt.ts`. Guards are one-liners over the context (the
 * close decision and the parsed initialize answer are computed once, before any guard reads them).
 */
import { assign, cancel, emit, enqueueActions, raise, sendTo, setup } from 'xstate';
import { BalancerError, OptionsError, type WirestateError } from '../errors.js';
import { balancerActor, connectionParamsActor } from './actors/provider-actors.js';
import { handoverCode } from './actors/handover-code.js';
import { notConnectedError, socketActor } from './actors/socket-actor.js';
import { authorizeRequest, forgetting, initializeRequest, lostConnection, socketInput } from './attempt.js';
import { backoffCeiling, backoffDelay, type BackoffKind } from './backoff.js';
import { backoffOf, CLIENT_CLOSE, closeOf, decisionFor } from './decisions.js';
import { rotationDelayMs, rotationRetryDelayMs } from './rotation.js';
import { DEFAULT_HEARTBEAT_MS, MIN_HEARTBEAT_MS, type ClosedReason, type SessionContext, type SessionEmitted, type SessionEvent, type SessionMachineInput } from './types.js';
import type { Secret } from '../secret.js';
import { ERROR_CODES, MAX_TIMER_DELAY_MS } from '../constants.js';

/**
 * Answers to a request that say the request itself is wrong (JSON-RPC's invalid request, unknown
 * method, invalid params): repeating the same initialize request cannot succeed.
 */
const REFUSED_FOR_GOOD: ReadonlySet<number> = new Set([ERROR_CODES.invalidRequest, ERROR_CODES.methodNotFound, ERROR_CODES.invalidParams]);

/** The session machine's `setup`: everything the chart names. */
export const sessionSetup = setup({
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
    /** A new session's endpoint comes from the balancer (a resume keeps its endpoint). */
    asksBalancer: ({ context }) => !context.resume && context.input.balancerUrl !== undefined,
    needsInitialize: ({ context }) => context.input.protocol.features.initialize,
    closeIsFatal: ({ context }) => context.decision?.kind === 'fatal',
    closeWaitsForBackoff: ({ context }) => backoffOf(context.decision) !== undefined,
    retriesExhausted: ({ context }) => context.attempt >= context.input.backoff.maxAttempts,
    balancerErrorIsFatal: ({ event }) => !('error' in event && event.error instanceof BalancerError && event.error.retryable),
    // A flag, not the error code: a server may answer with any code, -1 (LOCAL_SEND_FAILURE) included.
    lifecycleRequestUnsent: ({ event }) => event.type === 'LIFECYCLE.ERROR' && event.unsent === true,
    lifecycleRequestRefusedForGood: ({ event }) => event.type === 'LIFECYCLE.ERROR' && REFUSED_FOR_GOOD.has(event.error.code),
    providerErrorIsFatal: ({ event }) => 'error' in event && event.error instanceof OptionsError,
    initializeNeedsAuthorize: ({ context, event }) => event.type === 'LIFECYCLE.INITIALIZED' && event.result.authRequired && context.input.protocol.features.authorize,
    lacksCredentials: ({ context }) => context.input.auth.kind === 'none',
    errorIsUnauthorized: ({ context, event }) => event.type === 'LIFECYCLE.ERROR' && context.input.protocol.isUnauthorized(event.error),
  },
  actions: {
    /**
     * Ends the session: `closed` reports `reason`, and the socket (if any) closes as it stops with
     * `closeWith`: 1000 by default, 1002 when the session ends over the server's protocol violation.
     * A `closeWith` given (the user's `close()`, a protocol violation) on an open socket is also the
     * last close `state$` shows, not an older one; without an open socket the last close stays.
     */
    end: assign(({ context }, params: { reason: ClosedReason; closeWith?: number }) => ({
      closedReason: params.reason,
      closeWith: params.closeWith,
      ...(params.closeWith === undefined || context.directSend === undefined ? {} : { lastClose: { code: params.closeWith, reason: params.reason.reason, wasClean: true } }),
    })),
    /** Takes the providers' values for this attempt, which starts with no socket open and no error yet. */
    useConnectionParams: assign(({ context }, params: { endpoint?: string; token?: Secret<string> }) => {
      // lastError: a rejected authorize of an earlier connection says nothing about how this one ends.
      return { endpoint: params.endpoint ?? context.endpoint, token: params.token, socketOpened: false, lastError: undefined };
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
    /** Records the close and the close-code policy's verdict on it: decided here, once, for every guard and action after it. */
    recordClose: enqueueActions(({ enqueue, context, event }) => {
      const decision = decisionFor(context, event);
      enqueue.assign({ lastClose: closeOf(event), decision, directSend: undefined });
      if (decision.kind !== 'fatal') {
        const freshToken = decision.kind === 'new-session' && decision.freshToken === true;
        const resume = decision.kind === 'resume';
        enqueue.assign({ resume, tokenRetryUsed: context.tokenRetryUsed || freshToken, ...(resume ? {} : forgetting(context)) });
      }
      // Why the connection failed (refused, DNS, an HTTP status on the upgrade): without it a
      // failure would show only as close 1006 with no reason.
      if (event.type === 'SOCKET.CLOSED' && event.error !== undefined) {
        enqueue.assign({ lastFailure: event.error });
        enqueue.emit({ type: 'error', error: event.error });
      }
    }),
    sendInitialize: sendTo('socket', ({ context }) => ({ type: 'LIFECYCLE.REQUEST' as const, step: 'initialize' as const, request: initializeRequest(context) })),
    sendAuthorize: enqueueActions(({ enqueue, context }) => {
      const request = authorizeRequest(context);
      // Without credentials the `always` transition of `authorizing` ends the session instead.
      if (request !== undefined) enqueue.sendTo('socket', { type: 'LIFECYCLE.REQUEST', step: 'authorize', request });
    }),
    recordInitialize: assign(({ context, event }) => {
      if (event.type !== 'LIFECYCLE.INITIALIZED') return {};
      const { result } = event;
      return {
        sessionId: result.sessionId ?? context.sessionId,
        resumeId: result.resumeId ?? context.resumeId,
        // A server's heartbeat beyond what a timer can hold would fire at once (setTimeout's 32-bit limit).
        // A server announcing 1 ms would make every connection look dead at once: MIN_HEARTBEAT_MS is the floor.
        heartbeatMs: Math.min(Math.max(context.input.heartbeatMs ?? result.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, MIN_HEARTBEAT_MS), MAX_TIMER_DELAY_MS),
        // Only a resume continues a session, whatever a fresh initialize's answer claims.
        resumed: context.resume && result.resumed,
        connectionLifetimeMs: result.connectionLifetimeMs,
      };
    }),
    markFresh: assign({ resumed: false }),
    becomeReady: enqueueActions(({ enqueue, context }) => {
      const resumed = context.resumed && context.sessionId === context.readySessionId;
      // attempt and tokenRetryUsed start over only once the connection proved healthy (markHealthy).
      enqueue.assign({ healthyAt: context.input.now() + context.input.backoff.minUptimeMs, readyCount: context.readyCount + 1, livenessDelayMs: context.heartbeatMs, lastError: undefined, lastFailure: undefined, retryDelayMs: undefined, nextRetryAt: undefined, resumed, readySessionId: context.sessionId });
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
    reportFailure: enqueueActions(({ enqueue }, params: { error: WirestateError }) => {
      enqueue.assign({ lastFailure: params.error });
      enqueue.emit({ type: 'error', error: params.error });
    }),
    scheduleRetry: assign(({ context }, params: { backoff: BackoffKind }) => {
      const retryDelayMs = backoffDelay(context.attempt, context.input.backoff, context.input.random, params.backoff);
      return { retryDelayMs, nextRetryAt: context.input.now() + retryDelayMs, attempt: context.attempt + 1 };
    }),
    countAttempt: assign(({ context }) => ({ attempt: context.attempt + 1 })),
    scheduleRotation: enqueueActions(({ enqueue, context }) => {
      enqueue.cancel('rotation');
      const { input } = context;
      const delay =
        context.rotationFailures > 0
          ? // The ceiling, without jitter: a retry is one client's, and the reconnect backoff's random draws stay its own.
            rotationRetryDelayMs(input.rotation, context.connectionLifetimeMs, backoffCeiling(context.rotationFailures - 1, input.backoff))
          : rotationDelayMs(input.rotation, context.connectionLifetimeMs, context.connectionOpenedAt ?? input.now(), input.now(), input.backoff.minUptimeMs, context.healthyAt);
      if (delay === undefined) return;
      // The handover's code is fetched now, long before the rotation is due; a failed fetch is tried again then.
      enqueue(() => void handoverCode.load().catch(() => undefined));
      enqueue.raise({ type: 'ROTATION.DUE' }, { id: 'rotation', delay });
    }),
    cancelRotation: cancel('rotation'),
    /** Asks the socket actor for a replacement that resumes this session; the whole handover gets the connect and initialize timeouts. */
    rotate: sendTo('socket', ({ context }) => ({
      type: 'ROTATE' as const,
      handshake: socketInput({ ...context, resume: true }).handshake,
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
    /**
     * A session that ends with an error puts it on `errors$` (and `lastFailure`), unless it was
     * reported already: a fatal close, exhausted attempts, a refused handshake end visibly.
     */
    reportEnding: enqueueActions(({ enqueue, context }) => {
      const error = context.closedReason?.error;
      if (error === undefined || error === context.lastFailure) return;
      enqueue.assign({ lastFailure: error });
      enqueue.emit({ type: 'error', error });
    }),
    emitClosed: emit(({ context }) => ({ type: 'closed' as const, reason: context.closedReason ?? CLIENT_CLOSE })),
  },
});
