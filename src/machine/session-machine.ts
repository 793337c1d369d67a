import { assign, raise } from 'xstate';
import { CLOSE_CODES } from '../constants.js';
import { ConnectionLostError, PhaseTimeoutError, UnauthorizedError, WirestateError } from '../errors.js';
import { RELEASE_BY_DROPPING } from './actors/socket-actor.js';
import { connectionParamsInput, lostConnection, socketInput } from './attempt.js';
import { backoffOf, CLIENT_CLOSE, errorOf, failedWith, fatalClose, gaveUp, lifecycleError, lifecycleFailed, providerFailure } from './decisions.js';
import { sessionSetup } from './session-setup.js';
import { DEFAULT_HEARTBEAT_MS, type SessionContext, type SessionStateName } from './types.js';

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

/** Ends the session with the error the event carries (a failed actor or socket). */
const endWithError = { type: 'end', params: ({ context, event }: { context: SessionContext; event: object }) => ({ reason: failedWith(context, errorOf(event)) }) } as const;

/**
 * Attempts used up outside the socket phase: the failure is reported like any other, then the
 * session ends as when a close uses them up (a ConnectionClosedError "gave up after N reconnect
 * attempts" with that failure as its cause).
 */
function giveUpWith(failure: (context: SessionContext, event: object) => WirestateError) {
  return [
    { type: 'reportFailure', params: ({ context, event }: { context: SessionContext; event: object }) => ({ error: failure(context, event) }) },
    { type: 'end', params: ({ context }: { context: SessionContext }) => ({ reason: gaveUp(context, context.lastFailure ?? new WirestateError('connection', 'session failed')) }) },
  ] as const;
}

/**
 * The session machine: one per session, owning its whole life. The state chart is the
 * documentation: every flag a hand-written client would keep is a state or a context field here,
 * every timer an `after` delay, every resource an actor that lives exactly as long as its state.
 *
 * The `connection` state invokes the socket actor, so at most one socket exists and leaving the
 * state closes it: with a close handshake when the session ends (`closedReason` is set), dropped
 * otherwise. A close is handled once, on `connection`: the close-code policy's verdict is recorded
 * (`recordClose`) and the transient `deciding` state follows it. A resume is the same attempt as a
 * fresh connect with `context.resume` set; `publicStateName` turns the chart's states into the
 * names `state$` shows (`resuming` among them).
 */
export const sessionMachine = sessionSetup.createMachine({
  id: 'session',
  context: ({ input }) => ({
    input,
    attempt: 0,
    // A session handed over by another client is resumed from the start.
    resume: input.resumeFrom !== undefined,
    socketOpened: false,
    heartbeatMs: input.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    livenessDelayMs: input.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    tokenRetryUsed: false,
    readyCount: 0,
    resumed: false,
    rotations: 0,
    rotationFailures: 0,
    // A session handed over by another client counts as ready before: its resume continues it.
    ...(input.resumeFrom === undefined
      ? {}
      : { endpoint: input.resumeFrom.endpoint, resumeId: input.resumeFrom.resumeId, sessionId: input.resumeFrom.sessionId, readySessionId: input.resumeFrom.sessionId }),
  }),
  initial: 'idle',
  on: {
    // Closing with an explicit 1000 also makes it the last close state$ shows (see `end`).
    CLOSE: { target: '.closed', actions: { type: 'end', params: { reason: CLIENT_CLOSE, closeWith: CLOSE_CODES.Normal } } },
    // The server chose a subprotocol the client did not offer: no codec can be trusted, so stop.
    'SOCKET.FAILED': { target: '.closed', actions: endWithError },
    SEND: { actions: 'refuseSend' },
  },
  states: {
    idle: {
      on: {
        START: [{ guard: 'asksBalancer', target: 'resolving' }, { target: 'preparing' }],
      },
    },

    resolving: {
      invoke: {
        src: 'balancer',
        input: ({ context }) => ({
          balancerUrl: context.input.balancerUrl ?? '',
          timeoutMs: context.input.timeouts.balancerMs,
          ...(context.input.fetch === undefined ? {} : { fetch: context.input.fetch }),
        }),
        onDone: {
          target: 'preparing',
          actions: assign(({ event }) => ({ endpoint: event.output.endpoint, location: event.output.location })),
        },
        onError: [
          { guard: 'balancerErrorIsFatal', target: 'closed', actions: endWithError },
          { guard: 'retriesExhausted', target: 'closed', actions: giveUpWith((_, event) => errorOf(event)) },
          // A retryable BalancerError (the fatal ones ended above).
          {
            target: 'reconnecting',
            actions: [{ type: 'reportFailure', params: ({ event }) => ({ error: event.error as WirestateError }) }, { type: 'scheduleRetry', params: { backoff: 'backoff' } }],
          },
        ],
      },
    },

    // The endpoint and token providers give this attempt's values. An OptionsError (a bad value) or
    // exhausted attempts end the session; other failures, and a provider that never settles, are
    // reported and retried after a backoff.
    preparing: {
      invoke: {
        src: 'connectionParams',
        input: ({ context }) => connectionParamsInput(context),
        onDone: { target: 'connection', actions: { type: 'useConnectionParams', params: ({ event }) => event.output } },
        onError: [
          { guard: 'providerErrorIsFatal', target: 'closed', actions: endWithError },
          { guard: 'retriesExhausted', target: 'closed', actions: giveUpWith((_, event) => providerFailure(event)) },
          { target: 'reconnecting', actions: [{ type: 'reportFailure', params: ({ event }) => ({ error: providerFailure(event) }) }, { type: 'scheduleRetry', params: { backoff: 'backoff' } }] },
        ],
      },
      after: {
        providerTimeout: [
          {
            guard: 'retriesExhausted',
            target: 'closed',
            actions: giveUpWith((context) => new PhaseTimeoutError('provider', context.input.timeouts.providerMs)),
          },
          {
            target: 'reconnecting',
            actions: [
              { type: 'reportFailure', params: ({ context }) => ({ error: new PhaseTimeoutError('provider', context.input.timeouts.providerMs) }) },
              { type: 'scheduleRetry', params: { backoff: 'backoff' } },
            ],
          },
        ],
      },
    },

    // One connection: the socket lives exactly as long as this state.
    connection: {
      invoke: {
        id: 'socket',
        src: 'socket',
        input: ({ context, self }) =>
          socketInput(context, () => {
            const { closedReason, closeWith } = self.getSnapshot().context;
            return closedReason === undefined ? RELEASE_BY_DROPPING : (closeWith ?? CLOSE_CODES.Normal);
          }),
      },
      initial: 'opening',
      on: {
        'SOCKET.CLOSED': { target: 'deciding', actions: 'recordClose' },
      },
      states: {
        opening: {
          after: { connectTimeout: onPhaseTimeout('connect') },
          on: {
            'SOCKET.OPEN': [
              { guard: 'needsInitialize', target: 'initializing', actions: 'recordOpen' },
              { target: 'authorized', actions: ['recordOpen', 'markFresh'] },
            ],
          },
        },

        initializing: {
          entry: 'sendInitialize',
          after: { initializeTimeout: onPhaseTimeout('initialize') },
          on: {
            'LIFECYCLE.INITIALIZED': [
              // A resumed session the server still wants authorized (it dropped before the authorize request was answered) is authorized first.
              { guard: 'initializeNeedsAuthorize', target: 'authorizing', actions: 'recordInitialize' },
              { target: 'authorized', actions: 'recordInitialize' },
            ],
            'LIFECYCLE.INVALID': {
              target: '#session.closed',
              // A protocol violation: the client closes with 1002 (RFC 6455), and closedReason says so.
              actions: {
                type: 'end',
                params: ({ context, event }) => ({ reason: failedWith(context, errorOf(event), 'invalid initialize result', CLOSE_CODES.Protocol), closeWith: CLOSE_CODES.Protocol }),
              },
            },
            'LIFECYCLE.ERROR': [
              // The request could not even be sent (it cannot be encoded): trying again would fail the same way.
              { guard: 'lifecycleRequestUnsent', target: '#session.closed', actions: { type: 'end', params: ({ event }) => ({ reason: lifecycleFailed(event, 'initialize') }) } },
              // The server says the request itself is wrong (unknown method, invalid params): the same request would be refused for ever.
              { guard: 'lifecycleRequestRefusedForGood', target: '#session.closed', actions: { type: 'end', params: ({ event }) => ({ reason: lifecycleFailed(event, 'initialize') }) } },
              // The server refused it otherwise ({code: 500, message: 'db down'}): most likely transient, and
              // PROTOCOL.md makes no error code of the initialize request fatal. Reported with the server's code
              // and message, then handled like a dropped connection: the backoff and maxAttempts apply.
              {
                actions: [
                  { type: 'reportFailure', params: ({ event }) => ({ error: lifecycleError(event, 'initialize') }) },
                  { type: 'raiseLostConnection', params: { reason: 'initialize refused' } },
                ],
              },
            ],
          },
        },

        authorizing: {
          always: {
            guard: 'lacksCredentials',
            target: '#session.closed',
            actions: {
              type: 'end',
              params: ({ context }) => ({
                reason: failedWith(
                  context,
                  new UnauthorizedError('credentials required but none given'),
                  'no credentials',
                  CLOSE_CODES.Normal,
                ),
              }),
            },
          },
          entry: 'sendAuthorize',
          after: { authorizeTimeout: onPhaseTimeout('authorize') },
          on: {
            'LIFECYCLE.RESULT': 'authorized',
            'LIFECYCLE.ERROR': [
              // The server follows a rejected authorize request with close 4001; the close-code policy decides then.
              { guard: 'errorIsUnauthorized', actions: assign({ lastError: () => new UnauthorizedError() }) },
              { target: '#session.closed', actions: { type: 'end', params: ({ event }) => ({ reason: lifecycleFailed(event, 'authorize') }) } },
            ],
          },
        },

        authorized: {
          // Rotation (docs/lifecycle.md): the machine only keeps the time; the socket actor makes the
          // new connection before it breaks the old one, and the session stays here throughout.
          entry: ['becomeReady', 'scheduleRotation'],
          exit: ['cancelRotation', 'emitConnectionLost'],
          // Only a connection that stays up this long resets the attempt count and the backoff.
          after: { minUptime: { actions: 'markHealthy' } },
          initial: 'watching',
          on: {
            SEND: { actions: 'forwardToSocket' },
            'LIVENESS.DEAD': {
              actions: [
                {
                  type: 'reportFailure',
                  params: ({ context }) => ({ error: new ConnectionLostError(`connection found dead: no frame received for two heartbeats (${context.heartbeatMs} ms each)`) }),
                },
                raise(lostConnection('no frame received for two heartbeats')),
              ],
            },
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
      },
    },

    // Follows the verdict `recordClose` stored: a transient step, never a state the session rests in.
    deciding: {
      always: [
        { guard: 'closeIsFatal', target: 'closed', actions: { type: 'end', params: ({ context }) => ({ reason: fatalClose(context) }) } },
        { guard: 'closeWaitsForBackoff', target: 'reconnecting', actions: { type: 'scheduleRetry', params: ({ context }) => ({ backoff: backoffOf(context.decision) ?? 'backoff' }) } },
        // docs/protocol.md section 5: a new session (an endpoint that refused the resume included) asks the balancer again.
        { guard: 'asksBalancer', target: 'resolving', actions: 'countAttempt' },
        { target: 'preparing', actions: 'countAttempt' },
      ],
    },

    reconnecting: {
      after: {
        retryDelay: [{ guard: 'asksBalancer', target: 'resolving' }, { target: 'preparing' }],
      },
    },

    closed: {
      type: 'final',
      entry: ['reportEnding', 'emitClosed'],
    },
  },
});

/**
 * The name `state$` gives a machine state. The chart nests what the public names keep flat: a
 * connection attempt is `preparing` then `connection` (`opening`, `initializing`, `authorizing`,
 * `authorized`), the same states for a fresh connect and a resume. `preparing` and `opening` read
 * `connecting`, or `resuming` while `context.resume` is set; `initializing` reads `initializing`, or
 * `resuming`; the rest keep their own names.
 */
export function publicStateName(value: unknown, context: Pick<SessionContext, 'resume'>): SessionStateName {
  const [top, inner] = typeof value === 'string' ? [value, undefined] : (Object.entries(value as object)[0] ?? ['idle', undefined]);
  const phase = top === 'connection' ? (typeof inner === 'string' ? inner : Object.keys(inner as object)[0]) : top;
  switch (phase) {
    case 'preparing':
    case 'opening':
      return context.resume ? 'resuming' : 'connecting';
    case 'initializing':
      return context.resume ? 'resuming' : 'initializing';
    default:
      return phase as SessionStateName;
  }
}
