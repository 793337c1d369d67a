import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { backoffCeiling, ConnectionClosedError, ConnectionLostError, DEFAULT_BACKOFF, PhaseTimeoutError, ServerError, type WirestateError } from '../../src/node.js';
import { eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';
import { answerInitialize, atCeiling, gapsBetween, startHostileServer } from './hostile-server.js';

/**
 * How a session ends, and what it says on the way (issue 11, field trial): a refused INITIALIZE is
 * retried like a failed connection; used-up attempts end the same way in every phase; closedReason
 * invents no close code; a protocol violation is closed with 1002; and every ending or dead
 * connection reaches `errors$`.
 */

/** Answers INITIALIZE with `error` on the handshakes `refuse` picks, like a healthy server otherwise. */
function refuseInitialize(refuse: (index: number) => boolean, error = { code: 500, message: 'db down' }) {
  return (socket: WebSocket, _request: unknown, index: number) => {
    if (!refuse(index)) {
      answerInitialize(socket);
      return;
    }
    socket.on('message', (data) => {
      const packet = JSON.parse(String(data)) as { id: number; method: string };
      if (packet.method === 'INITIALIZE') socket.send(JSON.stringify({ id: packet.id, error }));
    });
  };
}

describe('a server error answering INITIALIZE', () => {
  it('is reported with the server\'s code and message, and retried after the backoff until the server accepts', async () => {
    const reconnect = { initialDelayMs: 100, maxDelayMs: 400 };
    const server = await startHostileServer({ onConnection: refuseInitialize((index) => index < 2) });
    const session = openSession({ endpoint: server.url, codecs: ['json'], reconnect, random: atCeiling, lazy: false });
    await waitForState(session, 'authorized', 3_000);
    expect(server.handshakes).toHaveLength(3);
    const refusals = session.reportedErrors.filter((error) => error instanceof ServerError);
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toMatchObject({ method: 'initialize', serverCode: 500, serverMessage: 'db down' });
    // While it retried, state$ showed the refusal.
    expect(session.states.some((state) => state.value === 'reconnecting' && state.lastFailure instanceof ServerError)).toBe(true);
    // Each retry waited out the backoff (a refused INITIALIZE counts as an attempt, like a drop).
    gapsBetween(server.handshakes).forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(backoffCeiling(index, { ...DEFAULT_BACKOFF, ...reconnect }) - 2));
    await session.close();
  });

  it('uses up maxAttempts and ends with the same "gave up" error as drops, the refusal as its cause', async () => {
    const server = await startHostileServer({ onConnection: refuseInitialize(() => true) });
    const session = openSession({ endpoint: server.url, codecs: ['json'], reconnect: { initialDelayMs: 5, maxDelayMs: 10, maxAttempts: 2 }, lazy: false });
    const reason = await session.closed;
    expect(server.handshakes).toHaveLength(3);
    expect(reason.error).toBeInstanceOf(ConnectionClosedError);
    expect(reason.error?.message).toBe('gave up after 2 reconnect attempts (reconnect.maxAttempts is 2)');
    expect(reason.error?.cause).toBeInstanceOf(ServerError);
    expect(session.reportedErrors.at(-1)).toBe(reason.error);
  });
});

describe('an INITIALIZE the server calls wrong in itself', () => {
  it.each([
    [-32600, 'invalid request'],
    [-32601, 'method not found'],
    [-32602, 'invalid params'],
  ])('code %i (%s) ends the session at once: the same request would be refused for ever', async (code, message) => {
    const server = await startHostileServer({ onConnection: refuseInitialize(() => true, { code, message }) });
    const session = openSession({ endpoint: server.url, codecs: ['json'], reconnect: { initialDelayMs: 5, maxDelayMs: 10 }, lazy: false });
    const reason = await session.closed;
    expect(server.handshakes).toHaveLength(1);
    expect(reason.error).toBeInstanceOf(ServerError);
    expect(reason.error).toMatchObject({ method: 'initialize', serverCode: code, serverMessage: message });
    expect(reason).toMatchObject({ reason: 'initialize failed', clientRequested: false });
    expect(session.reportedErrors.at(-1)).toBe(reason.error);
  });
});

describe('a server error code that matches the client\'s own marker', () => {
  it('a refusal with code -1 is the server\'s like any other: retried, not taken for a request the client could not send', async () => {
    const server = await startHostileServer({ onConnection: refuseInitialize((index) => index < 1, { code: -1, message: 'try later' }) });
    const session = openSession({ endpoint: server.url, codecs: ['json'], reconnect: { initialDelayMs: 5, maxDelayMs: 10 }, lazy: false });
    await waitForState(session, 'authorized', 3_000);
    expect(server.handshakes).toHaveLength(2);
    expect(session.reportedErrors.find((error) => error instanceof ServerError)).toMatchObject({ method: 'initialize', serverCode: -1, serverMessage: 'try later' });
    await session.close();
  });
});

describe('used-up attempts outside the socket phase', () => {
  it('a token provider that fails ends with "gave up after N reconnect attempts", its failure as the cause, and no invented close code', async () => {
    const server = await startServer();
    const session = openSession({
      endpoint: server.endpointUrl,
      reconnect: { initialDelayMs: 5, maxAttempts: 1 },
      auth: { token: () => Promise.reject(new Error('idp down')) },
      lazy: false,
    });
    const reason = await session.closed;
    expect(reason.error).toBeInstanceOf(ConnectionClosedError);
    expect(reason.error?.message).toBe('gave up after 1 reconnect attempt (reconnect.maxAttempts is 1)');
    const cause = reason.error?.cause as WirestateError;
    expect(cause.message).toBe('provider failed');
    expect((cause.cause as Error).message).toBe('idp down');
    // No connection was ever made, so no close frame: 1006, not an invented 1000.
    expect(reason.code).toBe(1006);
    expect(server.handshakes()).toHaveLength(0);
    expect(session.reportedErrors.at(-1)).toBe(reason.error);
  });

  it('a provider that never settles ends the same way, the PhaseTimeoutError as the cause', async () => {
    const server = await startServer();
    const session = openSession({
      endpoint: server.endpointUrl,
      reconnect: { initialDelayMs: 5, maxAttempts: 1 },
      timeouts: { providerMs: 30 },
      auth: { token: () => new Promise<string>(() => {}) },
      lazy: false,
    });
    const reason = await session.closed;
    expect(reason.error).toBeInstanceOf(ConnectionClosedError);
    expect(reason.error?.message).toMatch(/^gave up after 1 reconnect attempt/);
    expect(reason.error?.cause).toBeInstanceOf(PhaseTimeoutError);
    expect(reason.code).toBe(1006);
    // Each timeout reported, then the ending.
    expect(session.reportedErrors.map((error) => error.name)).toEqual(['PhaseTimeoutError', 'PhaseTimeoutError', 'ConnectionClosedError']);
  });
});

describe('close codes the session reports and sends', () => {
  it('an invalid INITIALIZE result is a protocol violation: the client closes with 1002 and closedReason says 1002', async () => {
    const serverSaw: number[] = [];
    const server = await startHostileServer({
      onConnection: (socket) => {
        socket.on('close', (code) => serverSaw.push(code));
        socket.on('message', (data) => {
          const packet = JSON.parse(String(data)) as { id: number };
          socket.send(JSON.stringify({ id: packet.id, result: 42 }));
        });
      },
    });
    const session = openSession({ endpoint: server.url, codecs: ['json'], lazy: false });
    const reason = await session.closed;
    expect(reason).toMatchObject({ code: 1002, reason: 'invalid initialize result', clientRequested: false });
    await eventually(() => serverSaw.length === 1, 'the server saw the close', 2_000);
    expect(serverSaw).toEqual([1002]);
    expect(session.reportedErrors.at(-1)).toBe(reason.error);
    expect(session.states.at(-1)?.lastClose).toMatchObject({ code: 1002, reason: 'invalid initialize result' });
  });

  it('close() while connected makes the client\'s 1000 the last close, not the drop before it', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, reconnect: { initialDelayMs: 5 }, lazy: false });
    await waitForState(session, 'authorized');
    server.faults.dropConnection();
    await eventually(() => session.states.some((state) => state.lastClose?.code === 1006), 'the drop', 2_000);
    await waitForState(session, 'authorized');
    await session.close();
    expect(session.states.at(-1)).toMatchObject({ value: 'closed', lastClose: { code: 1000, reason: 'client closed' } });
  });
});

describe('failures that reach errors$', () => {
  it('a close the policy makes fatal is reported on errors$ as a ConnectionClosedError', async () => {
    const server = await startHostileServer({ onConnection: (socket) => answerInitialize(socket, () => socket.close(4003, 'banned')) });
    const session = openSession({ endpoint: server.url, codecs: ['json'], lazy: false });
    const reason = await session.closed;
    expect(reason.error).toBeInstanceOf(ConnectionClosedError);
    expect(session.reportedErrors).toContain(reason.error);
    expect(reason.error).toMatchObject({ closeCode: 4003, reason: 'banned' });
    expect(session.states.at(-1)?.lastFailure).toBe(reason.error);
  });

  it('a connection found dead by the heartbeat is reported on errors$ as a ConnectionLostError, then resumed', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, heartbeatMs: 100, reconnect: { initialDelayMs: 5 }, lazy: false });
    await waitForState(session, 'authorized');
    server.faults.goSilent();
    await eventually(() => session.reportedErrors.some((error) => error instanceof ConnectionLostError), 'the dead connection reported', 3_000);
    const dead = session.reportedErrors.find((error) => error instanceof ConnectionLostError);
    expect(dead?.message).toBe('connection found dead: no frame received for two heartbeats (100 ms each)');
    await eventually(() => server.handshakes().length >= 2, 'the resume', 3_000);
    await session.close();
  });
});
