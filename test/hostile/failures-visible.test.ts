import { describe, expect, it } from 'vitest';
import { closedPort } from '../helpers/closed-port.js';
import { BalancerError, NegotiationError, PhaseTimeoutError, TransportError, UnauthorizedError } from '../../src/node.js';
import { msgpack } from '../../src/msgpack.js';
import { eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';
import { answerInitialize, startHostileServer } from './hostile-server.js';

const quick = { reconnect: { initialDelayMs: 5, maxDelayMs: 20 } };

describe('subprotocol negotiation against servers that do not follow it', () => {
  it('a server that selects no subprotocol means JSON, in Node too', async () => {
    const server = await startHostileServer({ selectProtocol: () => false, onConnection: (socket) => answerInitialize(socket) });
    const session = openSession({ endpoint: server.url, codecs: [msgpack(), 'json'], lazy: false });
    const ready = await waitForState(session, 'authorized');
    expect(ready.codec).toBe('json');
    expect(server.handshakes).toHaveLength(1);
  });

  it('the reference server offering only JSON, to a client offering only MessagePack, works in JSON', async () => {
    const server = await startServer({ codecs: ['json'] });
    const session = openSession({ endpoint: server.endpointUrl, codecs: [msgpack()], lazy: false });
    const ready = await waitForState(session, 'authorized');
    expect(ready.codec).toBe('json');
    expect(await session.request('ECHO', { hello: 1 })).toEqual({ hello: 1 });
  });

  it('a server that selects a subprotocol the client never offered ends the session with a NegotiationError, without retrying', async () => {
    const server = await startHostileServer({ selectProtocol: () => 'evil.v9', onConnection: (socket) => answerInitialize(socket) });
    const session = openSession({ endpoint: server.url, codecs: ['json'], lazy: false });
    const reason = await session.closed;
    expect(reason.error).toBeInstanceOf(NegotiationError);
    expect((reason.error as NegotiationError).selected).toBe('evil.v9');
    expect(server.handshakes).toHaveLength(1);
  });
});

describe('transport failures reach errors$ and state$ with their cause', () => {
  it('connection refused', async () => {
    const port = await closedPort();
    const session = openSession({ endpoint: `ws://127.0.0.1:${port}/ws`, ...quick, lazy: false });
    await eventually(() => session.reportedErrors.some((error) => error instanceof TransportError), 'a TransportError', 5_000);
    const error = session.reportedErrors.find((candidate) => candidate instanceof TransportError) as TransportError;
    expect(error.code).toBe('transport');
    expect(error.message).toMatch(/ECONNREFUSED/);
    const failing = session.states.find((state) => state.lastFailure instanceof TransportError);
    expect(failing?.lastClose?.code).toBe(1006);
  });

  it.each([503, 404])('HTTP %i on the upgrade: a TransportError with the status, retried with backoff', async (status) => {
    const server = await startHostileServer({ refuseWith: () => status });
    const session = openSession({ endpoint: server.url, ...quick, lazy: false });
    await eventually(() => server.handshakes.length >= 3, 'retries', 5_000);
    const error = session.reportedErrors.find((candidate) => candidate instanceof TransportError) as TransportError;
    expect(error.httpStatus).toBe(status);
    expect(error.code).toBe('transport');
    const retrying = session.states.find((state) => state.value === 'reconnecting' && state.lastFailure !== undefined);
    expect(retrying?.lastClose?.httpStatus).toBe(status);
    expect((retrying?.lastFailure as TransportError).httpStatus).toBe(status);
  });

  it.each([401, 403])('HTTP %i on the upgrade is rejected credentials: one retry with a fresh token, then closed with an UnauthorizedError', async (status) => {
    const server = await startHostileServer({ refuseWith: () => status });
    let tokens = 0;
    const session = openSession({ endpoint: server.url, auth: { token: () => `t${++tokens}` }, ...quick, lazy: false });
    const reason = await session.closed;
    expect(reason.error).toBeInstanceOf(UnauthorizedError);
    expect(reason.error).toMatchObject({ code: 'unauthorized', httpStatus: status });
    expect(server.handshakes).toHaveLength(2);
    expect(tokens).toBe(2);
    expect(session.reportedErrors.filter((error) => error instanceof TransportError).map((error) => (error as TransportError).httpStatus)).toEqual([status, status]);
  });

  it('HTTP 401 with fixed credentials ends the session at once', async () => {
    const server = await startHostileServer({ refuseWith: () => 401 });
    const session = openSession({ endpoint: server.url, auth: { license: 'L' }, ...quick, lazy: false });
    const reason = await session.closed;
    expect(reason.error).toBeInstanceOf(UnauthorizedError);
    expect(server.handshakes).toHaveLength(1);
  });

  it('an invalid handshake response (wrong Sec-WebSocket-Accept) is reported', async () => {
    const server = await startHostileServer({
      rawResponse: () => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bogus\r\n\r\n',
    });
    const session = openSession({ endpoint: server.url, ...quick, lazy: false });
    await eventually(() => session.reportedErrors.some((error) => error instanceof TransportError), 'a TransportError', 5_000);
    expect(session.reportedErrors.find((error) => error instanceof TransportError)?.message).toMatch(/Sec-WebSocket-Accept/);
  });
});

describe('providers that never settle', () => {
  it('a token provider: a provider PhaseTimeoutError on errors$ and state$, then a retry', async () => {
    const server = await startServer();
    let calls = 0;
    const session = openSession({
      endpoint: server.endpointUrl,
      auth: { token: () => (++calls === 1 ? new Promise<string>(() => {}) : 'ok') },
      timeouts: { providerMs: 100 },
      ...quick,
      lazy: false,
    });
    await waitForState(session, 'authorized');
    const timeout = session.reportedErrors.find((error) => error instanceof PhaseTimeoutError) as PhaseTimeoutError;
    expect(timeout.phase).toBe('provider');
    expect(session.states.some((state) => state.value === 'reconnecting' && state.lastFailure === timeout)).toBe(true);
    expect(calls).toBe(2);
  });

  it('a balancer URL provider: a retryable BalancerError, then a retry', async () => {
    const server = await startServer();
    let calls = 0;
    const session = openSession({
      balancer: () => (++calls === 1 ? new Promise<string>(() => {}) : server.balancerUrl),
      timeouts: { balancerMs: 100 },
      ...quick,
      lazy: false,
    });
    await waitForState(session, 'authorized');
    const error = session.reportedErrors.find((candidate) => candidate instanceof BalancerError) as BalancerError;
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
  });
});

describe('a close frame is acted on when it arrives', () => {
  it('a server that sends close 4000 and stops reading ends the session at once, not after a liveness timeout', async () => {
    const server = await startHostileServer({
      onConnection: (socket) =>
        answerInitialize(socket, () =>
          setTimeout(() => {
            socket.close(4000, 'taken over');
            // Stop reading: the client's answering close frame and its FIN go unread.
            (socket as unknown as { _socket: { pause(): void } })._socket.pause();
          }, 20),
        ),
    });
    const session = openSession({ endpoint: server.url, codecs: ['json'], heartbeatMs: 100, lazy: false });
    const reason = await session.closed;
    expect(reason.code).toBe(4000);
    expect(reason.clientRequested).toBe(false);
    // Before the fix the liveness check took the connection for dead and resumed the session.
    expect(server.handshakes).toHaveLength(1);
  });
});
