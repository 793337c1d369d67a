/**
 * The session chart without a network: `sessionMachine.provide({ actors: { socket } })` swaps the
 * socket actor for a fake callback actor that records what the machine sends it, lets the test
 * emit its `SOCKET.*` and `LIFECYCLE.*` events, and counts its cleanups. The real socket is tested
 * against real servers elsewhere (test/session, test/fuzz); this file proves the chart's own
 * transitions: connect, each close reaction, a resume as the same states with the flag, and a
 * socket that lives exactly as long as the `connection` state.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromCallback, type Actor } from 'xstate';
import { DEFAULT_SUBPROTOCOL_NAMES } from '../../src/codecs/negotiation.js';
import { ConnectionClosedError, PhaseTimeoutError, ProtocolViolationError, UnauthorizedError } from '../../src/errors.js';
import { RELEASE_BY_DROPPING, type SocketActorInput } from '../../src/machine/actors/socket-actor.js';
import { DEFAULT_BACKOFF } from '../../src/machine/backoff.js';
import { publicStateName, sessionMachine } from '../../src/machine/session-machine.js';
import type { SessionEmitted, SessionMachineInput, SocketCommand, SocketEvent } from '../../src/machine/types.js';
import { referenceProtocol } from '../../src/protocol/reference/index.js';
import { Secret } from '../../src/secret.js';

/** One socket the machine started: its input, the commands it got, and how it was stopped. */
interface FakeSocket {
  readonly input: SocketActorInput;
  readonly received: SocketCommand[];
  emit(event: SocketEvent): void;
  /** How many times its cleanup ran. */
  stops: number;
  /** The close code the machine meant when it stopped it. */
  closeCode?: number;
}

let sockets: FakeSocket[];
const fakeSocket = fromCallback<SocketCommand, SocketActorInput, SocketEvent>(({ input, sendBack, receive }) => {
  const socket: FakeSocket = { input, received: [], emit: sendBack, stops: 0 };
  sockets.push(socket);
  receive((command) => socket.received.push(command));
  return () => {
    socket.stops++;
    socket.closeCode = input.closeCode?.();
  };
});

function machineInput(overrides: Partial<SessionMachineInput> = {}): SessionMachineInput {
  let id = 0;
  return {
    protocol: referenceProtocol(),
    endpoint: 'ws://127.0.0.1:1/ws',
    codecs: ['json'],
    createCodec: () => {
      throw new Error('the fake socket negotiates no codec');
    },
    subprotocolNames: DEFAULT_SUBPROTOCOL_NAMES,
    auth: { kind: 'none' },
    backoff: { ...DEFAULT_BACKOFF, initialDelayMs: 100, maxDelayMs: 100 },
    closeCodes: {},
    timeouts: { balancerMs: 10_000, connectMs: 1_000, initializeMs: 1_000, authorizeMs: 1_000, providerMs: 1_000 },
    maxMessageBytes: 1 << 20,
    clientName: 'machine-test/1',
    WebSocket: class {} as unknown as SessionMachineInput['WebSocket'],
    random: () => 0.5,
    now: () => Date.now(),
    nextId: () => ++id,
    inbound: { onStream() {}, onResponse() {}, onEvent() {}, onError() {} },
    getLastSeq: () => 7,
    ...overrides,
  };
}

type SessionMachineActor = Actor<typeof sessionMachine>;
const actors: SessionMachineActor[] = [];

function start(overrides: Partial<SessionMachineInput> = {}): { actor: SessionMachineActor; emitted: SessionEmitted[] } {
  const actor = createActor(sessionMachine.provide({ actors: { socket: fakeSocket } }), { input: machineInput(overrides) });
  actors.push(actor);
  const emitted: SessionEmitted[] = [];
  for (const type of ['ready', 'connection-lost', 'error', 'closed'] as const) actor.on(type, (event) => emitted.push(event));
  actor.start();
  actor.send({ type: 'START' });
  return { actor, emitted };
}

/** The state `state$` would show. */
function publicState(actor: SessionMachineActor): string {
  const snapshot = actor.getSnapshot();
  return publicStateName(snapshot.value, snapshot.context);
}

/** Lets the connection-params actor (a promise) settle. */
async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

const INITIALIZED = { type: 'LIFECYCLE.INITIALIZED', result: { sessionId: 'session-1', resumeId: 'resume-1', resumed: false, authRequired: false } } as const;

/** Connects the latest socket through to `authorized`. */
async function authorize(actor: SessionMachineActor): Promise<FakeSocket> {
  await settle();
  const socket = sockets.at(-1) as FakeSocket;
  socket.emit({ type: 'SOCKET.OPEN', protocol: '', codec: 'json' });
  socket.emit(INITIALIZED);
  expect(publicState(actor)).toBe('authorized');
  return socket;
}

function initializeRequests(socket: FakeSocket): unknown[] {
  return socket.received.flatMap((command) => (command.type === 'LIFECYCLE.REQUEST' && command.step === 'initialize' ? [command.request] : []));
}

beforeEach(() => {
  sockets = [];
  vi.useFakeTimers();
});
afterEach(() => {
  for (const actor of actors.splice(0)) actor.stop();
  vi.useRealTimers();
});

describe('the session chart, with a fake socket', () => {
  it('connects fresh: preparing, then one socket through opening and initializing to authorized', async () => {
    const { actor, emitted } = start();
    expect(actor.getSnapshot().value).toBe('preparing');
    expect(publicState(actor)).toBe('connecting');
    await settle();
    expect(sockets).toHaveLength(1);
    expect(actor.getSnapshot().value).toEqual({ connection: 'opening' });
    expect(publicState(actor)).toBe('connecting');

    const socket = sockets[0] as FakeSocket;
    socket.emit({ type: 'SOCKET.OPEN', protocol: '', codec: 'json' });
    expect(publicState(actor)).toBe('initializing');
    expect(initializeRequests(socket)).toEqual([{ kind: 'initialize', client: 'machine-test/1' }]);
    socket.emit(INITIALIZED);

    expect(actor.getSnapshot().value).toEqual({ connection: { authorized: 'watching' } });
    expect(actor.getSnapshot().context).toMatchObject({ sessionId: 'session-1', resumeId: 'resume-1', resume: false, resumed: false });
    expect(emitted).toEqual([expect.objectContaining({ type: 'ready', resumed: false, readyCount: 1 })]);
    expect(socket.stops).toBe(0);
  });

  it('resume: re-enters the same states with the resume flag, a Resume-Id in the handshake and lastSeq in the initialize request', async () => {
    const { actor, emitted } = start();
    const first = await authorize(actor);

    first.emit({ type: 'SOCKET.CLOSED', code: 1001, reason: 'going away', wasClean: true });
    expect(first.stops).toBe(1);
    expect(first.closeCode).toBe(RELEASE_BY_DROPPING);
    expect(actor.getSnapshot().value).toBe('preparing');
    expect(actor.getSnapshot().context).toMatchObject({ resume: true, attempt: 1, lastClose: { code: 1001 }, decision: { kind: 'resume', delay: 'none' } });
    expect(publicState(actor)).toBe('resuming');

    await settle();
    const second = sockets[1] as FakeSocket;
    expect(actor.getSnapshot().value).toEqual({ connection: 'opening' });
    expect(publicState(actor)).toBe('resuming');
    expect(JSON.stringify(second.input.handshake.reveal())).toContain('resume-1');
    second.emit({ type: 'SOCKET.OPEN', protocol: '', codec: 'json' });
    expect(actor.getSnapshot().value).toEqual({ connection: 'initializing' });
    expect(publicState(actor)).toBe('resuming');
    expect(initializeRequests(second)).toEqual([{ kind: 'initialize', client: 'machine-test/1', lastSeq: 7 }]);
    second.emit({ ...INITIALIZED, result: { ...INITIALIZED.result, resumed: true } });

    expect(publicState(actor)).toBe('authorized');
    expect(emitted.filter((event) => event.type === 'ready')).toEqual([expect.objectContaining({ resumed: false }), expect.objectContaining({ resumed: true, readyCount: 2 })]);
    expect(emitted.filter((event) => event.type === 'connection-lost')).toHaveLength(1);
  });

  it('reconnect after a backoff: a new session (no Resume-Id) once the retry delay has passed', async () => {
    const { actor } = start();
    const first = await authorize(actor);

    first.emit({ type: 'SOCKET.CLOSED', code: 4202, reason: 'init timeout', wasClean: true });
    expect(first.stops).toBe(1);
    expect(actor.getSnapshot().value).toBe('reconnecting');
    expect(actor.getSnapshot().context).toMatchObject({ resume: false, attempt: 1, retryDelayMs: 50 });
    expect(actor.getSnapshot().context.sessionId).toBeUndefined();

    await vi.advanceTimersByTimeAsync(49);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(sockets).toHaveLength(2);
    expect(publicState(actor)).toBe('connecting');
    expect(JSON.stringify((sockets[1] as FakeSocket).input.handshake.reveal())).not.toContain('resume-1');
  });

  it('retry with a new token: 4001 asks the token provider again, once; the second 4001 is fatal', async () => {
    let issued = 0;
    const { actor, emitted } = start({ auth: { kind: 'token', token: new Secret(() => `token-${++issued}`), transport: 'query' } });
    const first = await authorize(actor);

    first.emit({ type: 'SOCKET.CLOSED', code: 4001, reason: 'unauthorized', wasClean: true });
    expect(actor.getSnapshot().context).toMatchObject({ tokenRetryUsed: true, resume: false, decision: { kind: 'new-session', freshToken: true } });
    expect(publicState(actor)).toBe('connecting');
    await settle();
    expect(issued).toBe(2);
    const second = sockets[1] as FakeSocket;
    expect(JSON.stringify(second.input.handshake.reveal())).toContain('token-2');

    second.emit({ type: 'SOCKET.CLOSED', code: 4001, reason: 'unauthorized', wasClean: true });
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().context.closedReason?.error).toBeInstanceOf(UnauthorizedError);
    expect(emitted.at(-1)).toMatchObject({ type: 'closed', reason: { code: 4001, clientRequested: false } });
  });

  it('fatal: a close the policy makes fatal ends the session, and the socket closes as the session ends', async () => {
    const { actor, emitted } = start();
    const socket = await authorize(actor);

    socket.emit({ type: 'SOCKET.CLOSED', code: 1002, reason: 'protocol error', wasClean: true });
    expect(actor.getSnapshot().value).toBe('closed');
    expect(actor.getSnapshot().context.closedReason).toMatchObject({ code: 1002, reason: 'protocol error', clientRequested: false });
    expect(actor.getSnapshot().context.closedReason?.error).toBeInstanceOf(ConnectionClosedError);
    expect(socket.stops).toBe(1);
    expect(socket.closeCode).toBe(1000);
    expect(emitted.filter((event) => event.type === 'closed')).toHaveLength(1);
  });

  it("the user's close stops the socket exactly once, with close code 1000", async () => {
    const { actor, emitted } = start();
    const socket = await authorize(actor);

    actor.send({ type: 'CLOSE' });
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().context.closedReason).toEqual({ code: 1000, reason: 'client closed', clientRequested: true });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(socket.stops).toBe(1);
    expect(socket.closeCode).toBe(1000);
    expect(sockets).toHaveLength(1);
    expect(emitted.filter((event) => event.type === 'closed')).toHaveLength(1);
  });

  it('a socket whose state exits is stopped: a connect timeout drops it and reconnects after a backoff', async () => {
    const { actor, emitted } = start();
    await settle();
    const socket = sockets[0] as FakeSocket;

    await vi.advanceTimersByTimeAsync(1_000);
    expect(socket.stops).toBe(1);
    expect(socket.closeCode).toBe(RELEASE_BY_DROPPING);
    expect(actor.getSnapshot().value).toBe('reconnecting');
    expect(actor.getSnapshot().context.lastClose).toEqual({ code: 1006, reason: 'connect timeout', wasClean: false });
    expect(emitted.find((event) => event.type === 'error')).toMatchObject({ error: expect.any(PhaseTimeoutError) });
    // A socket that is already stopped sends nothing the chart would act on.
    expect(sockets).toHaveLength(1);
  });

  it('an initialize request the server refuses is reported and retried after a backoff; one that could not be sent ends the session', async () => {
    const { actor, emitted } = start();
    await settle();
    const first = sockets[0] as FakeSocket;
    first.emit({ type: 'SOCKET.OPEN', protocol: '', codec: 'json' });
    first.emit({ type: 'LIFECYCLE.ERROR', step: 'initialize', error: { code: 500, message: 'db down' } });
    expect(actor.getSnapshot().value).toBe('reconnecting');
    expect(actor.getSnapshot().context).toMatchObject({ attempt: 1, lastClose: { code: 1006, reason: 'initialize refused' } });
    expect(emitted.find((event) => event.type === 'error')).toMatchObject({ error: { name: 'ServerError', serverCode: 500, serverMessage: 'db down' } });
    expect(first.closeCode).toBe(RELEASE_BY_DROPPING);

    await vi.advanceTimersByTimeAsync(100);
    await settle();
    const second = sockets[1] as FakeSocket;
    second.emit({ type: 'SOCKET.OPEN', protocol: '', codec: 'json' });
    // LOCAL_SEND_FAILURE: the client could not encode its own request; retrying cannot help.
    second.emit({ type: 'LIFECYCLE.ERROR', step: 'initialize', error: { code: -1, message: 'cannot encode' }, unsent: true });
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().context.closedReason).toMatchObject({ code: 1000, reason: 'initialize failed' });
    expect(second.closeCode).toBe(1000);
  });

  it('an initialize result the protocol cannot read ends the session with 1002, sent and reported', async () => {
    const { actor, emitted } = start();
    await settle();
    const socket = sockets[0] as FakeSocket;
    socket.emit({ type: 'SOCKET.OPEN', protocol: '', codec: 'json' });
    socket.emit({ type: 'LIFECYCLE.INVALID', error: new ProtocolViolationError('initialize result must be an object') });
    expect(actor.getSnapshot().context.closedReason).toMatchObject({ code: 1002, reason: 'invalid initialize result' });
    expect(socket.closeCode).toBe(1002);
    expect(emitted.filter((event) => event.type === 'error').map((event) => event.type === 'error' && event.error.name)).toEqual(['ProtocolViolationError']);
  });
});
