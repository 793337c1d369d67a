import { describe, expect, it } from 'vitest';
import { bson } from '../../src/bson.js';
import { msgpack } from '../../src/msgpack.js';
import { ConnectionClosedError, UnauthorizedError, BalancerError, PhaseTimeoutError } from '../../src/node.js';
import { eventually, openSession, startServer, waitForNextState, waitForState } from '../helpers/session-harness.js';

function states(session: { states: readonly { value: string }[] }): string[] {
  return session.states.map((snapshot) => snapshot.value).filter((value, index, all) => index === 0 || all[index - 1] !== value);
}

describe('a new session', () => {
  it('resolves through the balancer, negotiates the preferred codec, initializes first and becomes authorized', async () => {
    const server = await startServer({ location: 'eu-test' });
    const session = openSession({ balancer: server.balancerUrl, codecs: [msgpack(), 'json'], lazy: false });
    const ready = await waitForState(session, 'authorized');

    expect(states(session)).toEqual(['resolving', 'connecting', 'initializing', 'authorized']);
    expect(ready.codec).toBe('msgpack');
    expect(ready.location).toBe('eu-test');
    expect(ready.endpoint).toBe(server.endpointUrl);
    expect(server.balancerRequests()).toHaveLength(1);
    const first = server.packets()[0];
    expect(first?.method).toBe('INITIALIZE');
    expect(server.handshakes()[0]?.query.version).toBe('1');
  });

  it('with a fixed endpoint never calls a balancer', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, codecs: [bson()], lazy: false });
    const ready = await waitForState(session, 'authorized');
    expect(ready.codec).toBe('bson');
    expect(server.balancerRequests()).toHaveLength(0);
  });

  it('is lazy by default: nothing connects until first use', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.handshakes()).toHaveLength(0);
    await expect(session.request('ECHO', { a: 1 })).resolves.toEqual({ a: 1 });
    expect(server.handshakes()).toHaveLength(1);
  });
});

describe('auth', () => {
  it('sends a license when the server requires authorization', async () => {
    const server = await startServer({ auth: { licenses: ['L-1'] } });
    const session = openSession({ endpoint: server.endpointUrl, auth: { license: 'L-1' }, lazy: false });
    await waitForState(session, 'authorized');
    expect(states(session)).toContain('authorizing');
    expect(server.packets((packet) => packet.method === 'AUTHORIZE')[0]?.packet).toMatchObject({ params: { license: 'L-1' } });
  });

  it('sends username and password', async () => {
    const server = await startServer({ auth: { users: { ada: 'lovelace' } } });
    const session = openSession({ endpoint: server.endpointUrl, auth: { username: 'ada', password: 'lovelace' }, lazy: false });
    await waitForState(session, 'authorized');
    expect(server.sessions()[0]?.authorized).toBe(true);
  });

  it('sends a token by subprotocol by default, never in the URL', async () => {
    const server = await startServer({ auth: { tokens: ['t0ken'] } });
    const session = openSession({ endpoint: server.endpointUrl, auth: { token: 't0ken' }, lazy: false });
    await waitForState(session, 'authorized');
    const handshake = server.handshakes()[0];
    expect(handshake?.tokenTransport).toBe('subprotocol');
    expect(handshake?.query.token).toBeUndefined();
    expect(states(session)).not.toContain('authorizing');
  });

  it('sends a token by query when asked', async () => {
    const server = await startServer({ auth: { tokens: ['t0ken'] } });
    const session = openSession({ endpoint: server.endpointUrl, auth: { token: 't0ken', transport: 'query' }, lazy: false });
    await waitForState(session, 'authorized');
    expect(server.handshakes()[0]?.tokenTransport).toBe('query');
  });

  it('sends a token only in the authorize packet with the packet transport', async () => {
    const server = await startServer({ auth: { tokens: ['t0ken'] } });
    const session = openSession({ endpoint: server.endpointUrl, auth: { token: async () => 't0ken', transport: 'packet' }, lazy: false });
    await waitForState(session, 'authorized');
    expect(server.handshakes()[0]?.tokenTransport).toBeUndefined();
    expect(server.packets((packet) => packet.method === 'AUTHORIZE')[0]?.packet).toMatchObject({ params: { token: 't0ken' } });
  });

  it('ends fatally with an UnauthorizedError when the license is rejected (401 then 4001), without retrying', async () => {
    const server = await startServer({ auth: { licenses: ['good'] } });
    const session = openSession({ endpoint: server.endpointUrl, auth: { license: 'bad' }, lazy: false });
    const closed = await session.closed;
    expect(closed.error).toBeInstanceOf(UnauthorizedError);
    expect(closed.clientRequested).toBe(false);
    expect(server.handshakes()).toHaveLength(1);
  });

  it('a token provider gets one fresh try after 4001, then succeeds', async () => {
    const server = await startServer({ auth: { tokens: ['fresh'] } });
    const tokens = ['stale', 'fresh'];
    let calls = 0;
    const session = openSession({ endpoint: server.endpointUrl, auth: { token: () => tokens[calls++] ?? 'fresh' }, lazy: false });
    await waitForState(session, 'authorized');
    expect(calls).toBe(2);
  });

  it('a token provider that keeps giving a bad token ends fatally after one retry', async () => {
    const server = await startServer({ auth: { tokens: ['fresh'] } });
    let calls = 0;
    const session = openSession({ endpoint: server.endpointUrl, auth: { token: () => `stale-${++calls}` }, lazy: false });
    const closed = await session.closed;
    expect(closed.error).toBeInstanceOf(UnauthorizedError);
    expect(calls).toBe(2);
  });

  it('without auth against a server that requires it ends with a clear UnauthorizedError', async () => {
    const server = await startServer({ auth: { licenses: ['x'] } });
    const session = openSession({ endpoint: server.endpointUrl, lazy: false });
    const closed = await session.closed;
    expect(closed.error).toBeInstanceOf(UnauthorizedError);
    expect(closed.error?.code).toBe('unauthorized');
    expect([(closed.error as UnauthorizedError).httpStatus, (closed.error as UnauthorizedError).closeCode]).toEqual([undefined, undefined]);
  });
});

describe('resume', () => {
  it('resumes the same session on the same endpoint after a drop, without the balancer', async () => {
    const server = await startServer();
    const session = openSession({ balancer: server.balancerUrl, lazy: false });
    const first = await waitForState(session, 'authorized');
    session.states.length = 0;
    const resumedPromise = waitForNextState(session, 'authorized');
    server.faults.dropConnection();
    const resumed = await resumedPromise;
    expect(states(session)).toContain('resuming');
    expect(resumed.resumed).toBe(true);
    expect(resumed.sessionId).toBe(first.sessionId);
    expect(server.balancerRequests()).toHaveLength(1);
    const resumeHandshake = server.handshakes()[1];
    expect(resumeHandshake?.query.resume).toBeDefined();
    expect(resumeHandshake?.headers['resume-id']).toBe(resumeHandshake?.query.resume);
    expect(server.packets((packet) => packet.method === 'INITIALIZE')[1]?.packet).toMatchObject({ params: { lastSeq: expect.any(Number) } });
  });

  it('starts a fresh session (and re-authorizes) when the server rejects the resume', async () => {
    const server = await startServer({ auth: { licenses: ['L'] } });
    const session = openSession({ balancer: server.balancerUrl, auth: { license: 'L' }, lazy: false });
    const first = await waitForState(session, 'authorized');
    server.faults.rejectNextResume();
    const freshPromise = waitForNextState(session, 'authorized');
    server.faults.dropConnection();
    const fresh = await freshPromise;
    expect(fresh.resumed).toBe(false);
    expect(fresh.sessionId).not.toBe(first.sessionId);
    expect(server.packets((packet) => packet.method === 'AUTHORIZE')).toHaveLength(2);
  });

  it('goes back to the balancer when the endpoint refuses the resume connection', async () => {
    const server = await startServer();
    const session = openSession({ balancer: server.balancerUrl, lazy: false });
    await waitForState(session, 'authorized');
    server.faults.refuseConnections({ times: 1 });
    server.faults.dropConnection();
    const ready = await waitForNextState(session, 'authorized');
    expect(server.balancerRequests()).toHaveLength(2);
    expect(ready.resumed).toBe(false);
  });

  it('notices a half-open connection within about two heartbeats and resumes', async () => {
    const server = await startServer({ pingFrames: false });
    const session = openSession({ endpoint: server.endpointUrl, heartbeatMs: 100, lazy: false });
    await waitForState(session, 'authorized');
    session.states.length = 0;
    const silentAt = Date.now();
    server.faults.goSilent();
    await waitForState(session, 'resuming', 2_000);
    const noticedAfter = Date.now() - silentAt;
    // Bounded loosely (not a speed assertion): detection must come from the liveness check, not a 10 s phase timeout.
    expect(noticedAfter).toBeLessThan(1_500);
  });

  it('on a quiet but live connection sends PING after a heartbeat and stays up', async () => {
    const server = await startServer({ pingFrames: false });
    const session = openSession({ endpoint: server.endpointUrl, heartbeatMs: 100, lazy: false });
    await waitForState(session, 'authorized');
    await server.waitForPacket((packet) => packet.method === 'PING', 2_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(session.actor.getSnapshot().value).toMatchObject({ connection: { authorized: expect.any(String) } });
    expect(server.handshakes()).toHaveLength(1);
  });
});

describe('close codes', () => {
  it('1012 (server restart) starts a new session through the balancer', async () => {
    const server = await startServer();
    const session = openSession({ balancer: server.balancerUrl, lazy: false });
    const first = await waitForState(session, 'authorized');
    session.states.length = 0;
    const nextPromise = waitForNextState(session, 'authorized');
    await server.faults.restart();
    const next = await nextPromise;
    expect(states(session)).toContain('resolving');
    expect(states(session)).not.toContain('resuming');
    expect(next.sessionId).not.toBe(first.sessionId);
    expect(server.balancerRequests()).toHaveLength(2);
  });

  it('4000 (session taken over) is fatal', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, lazy: false });
    await waitForState(session, 'authorized');
    server.faults.closeConnection('all', 4000, 'taken over');
    const closed = await session.closed;
    expect(closed.error).toBeInstanceOf(ConnectionClosedError);
    expect(closed.code).toBe(4000);
    expect(closed.error?.message).toMatch(/taken over/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.handshakes()).toHaveLength(1);
  });

  const reactions: Array<[number, 'resume' | 'new-session' | 'fatal']> = [
    [1000, 'resume'],
    [1001, 'resume'],
    [1002, 'fatal'],
    [1003, 'fatal'],
    [1007, 'fatal'],
    [1008, 'fatal'],
    [1009, 'resume'],
    [1011, 'resume'],
    [1012, 'new-session'],
    [1013, 'resume'],
    [4001, 'fatal'],
    [4002, 'fatal'],
    [4202, 'new-session'],
    [3000, 'resume'],
    [4500, 'fatal'],
  ];
  for (const [code, reaction] of reactions) {
    it(`server close ${code} -> ${reaction}`, async () => {
      const server = await startServer({ resumeWindowMs: 5_000 });
      const session = openSession({ balancer: server.balancerUrl, reconnect: { initialDelayMs: 1, maxDelayMs: 5, longDelayFactor: 2 }, lazy: false });
      const first = await waitForState(session, 'authorized');
      session.states.length = 0;
      const nextPromise = waitForNextState(session, 'authorized');
      nextPromise.catch(() => undefined);
      server.faults.closeConnection('all', code, 'test');
      if (reaction === 'fatal') {
        const closed = await session.closed;
        expect(closed.code).toBe(code);
        expect(closed.error).toBeDefined();
        return;
      }
      const next = await nextPromise;
      if (reaction === 'resume') {
        expect(next.resumed).toBe(true);
        expect(next.sessionId).toBe(first.sessionId);
        expect(server.balancerRequests()).toHaveLength(1);
      } else {
        expect(next.resumed).toBe(false);
        expect(server.balancerRequests()).toHaveLength(2);
      }
    });
  }

  it('a closeCodes override turns 1008 into a resume', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, closeCodes: { 1008: 'resume' }, lazy: false });
    await waitForState(session, 'authorized');
    const nextPromise = waitForNextState(session, 'authorized');
    server.faults.closeConnection('all', 1008, 'missed pong');
    const next = await nextPromise;
    expect(next.resumed).toBe(true);
  });
});

describe('balancer', () => {
  it('retries after a 5xx and then connects', async () => {
    const server = await startServer();
    server.faults.balancerStatus(503, 2);
    const session = openSession({ balancer: server.balancerUrl, lazy: false });
    await waitForState(session, 'authorized');
    expect(server.balancerRequests()).toHaveLength(3);
    expect(session.reportedErrors.filter((error) => error instanceof BalancerError)).toHaveLength(2);
  });

  it('a 4xx is fatal', async () => {
    const server = await startServer();
    server.faults.balancerStatus(403, 1);
    const session = openSession({ balancer: server.balancerUrl, lazy: false });
    const closed = await session.closed;
    expect(closed.error).toBeInstanceOf(BalancerError);
    expect(server.balancerRequests()).toHaveLength(1);
  });

  it('gives up after maxAttempts', async () => {
    const server = await startServer();
    server.faults.balancerStatus(500, 100);
    const session = openSession({ balancer: server.balancerUrl, reconnect: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 }, lazy: false });
    const closed = await session.closed;
    // Ends like attempts used up by closes (issue 11), with the balancer's failure as the cause.
    expect(closed.error).toBeInstanceOf(ConnectionClosedError);
    expect(closed.error?.message).toBe('gave up after 3 reconnect attempts (reconnect.maxAttempts is 3)');
    expect(closed.error?.cause).toBeInstanceOf(BalancerError);
    expect(closed.code).toBe(1006);
    expect(server.balancerRequests()).toHaveLength(4);
  });
});

describe('phase timeouts', () => {
  it('an initialize answer that never comes fires a PhaseTimeoutError and reconnects', async () => {
    const server = await startServer();
    server.faults.delayInitialize(2_000, 1);
    const session = openSession({ endpoint: server.endpointUrl, timeouts: { initializeMs: 100 }, lazy: false });
    await waitForState(session, 'authorized', 5_000);
    expect(session.reportedErrors.some((error) => error instanceof PhaseTimeoutError && error.phase === 'initialize')).toBe(true);
    expect(server.handshakes().length).toBeGreaterThanOrEqual(2);
  });
});

describe('phase timeouts, each with its own error', () => {
  it('balancer', async () => {
    const server = await startServer();
    server.faults.balancerDelay(1_000, 1);
    const session = openSession({ balancer: server.balancerUrl, timeouts: { balancerMs: 80 }, lazy: false });
    await waitForState(session, 'authorized');
    expect(session.reportedErrors.some((error) => error instanceof BalancerError && error.retryable && error.status === undefined)).toBe(true);
  });

  it('connect', async () => {
    const server = await startServer();
    server.faults.delayHandshake(1_000, 1);
    const session = openSession({ endpoint: server.endpointUrl, timeouts: { connectMs: 80 }, lazy: false });
    await waitForState(session, 'authorized');
    expect(session.reportedErrors.some((error) => error instanceof PhaseTimeoutError && error.phase === 'connect')).toBe(true);
  });

  it('authorize', async () => {
    let checks = 0;
    const server = await startServer({
      auth: { validateToken: (token) => new Promise((resolve) => setTimeout(() => resolve(token === 'ok'), ++checks === 1 ? 1_000 : 0)) },
    });
    const session = openSession({ endpoint: server.endpointUrl, auth: { token: 'ok', transport: 'packet' }, timeouts: { authorizeMs: 80 }, lazy: false });
    await waitForState(session, 'authorized');
    expect(session.reportedErrors.some((error) => error instanceof PhaseTimeoutError && error.phase === 'authorize')).toBe(true);
  });
});

describe('backoff', () => {
  it('counts consecutive failed attempts and resets only once the connection stayed up for minUptimeMs', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, reconnect: { initialDelayMs: 2, maxDelayMs: 20, minUptimeMs: 150 }, lazy: false });
    await waitForState(session, 'authorized');
    session.states.length = 0;
    server.faults.refuseConnections({ times: 3 });
    const back = waitForNextState(session, 'authorized');
    server.faults.dropConnection();
    const ready = await back;
    const attempts = session.states.filter((state) => state.value === 'reconnecting').map((state) => state.attempt);
    // One backoff for the drop itself, then one per refused connection.
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(session.states.filter((state) => state.value === 'reconnecting').every((state) => typeof state.nextRetryAt === 'number')).toBe(true);
    // Authorized is not healthy yet: a server that drops again at once must meet the grown backoff.
    expect(ready.attempt).toBe(4);
    expect(ready.lastClose?.code).toBe(1006);
    await eventually(() => session.states.some((state) => state.value === 'authorized' && state.attempt === 0), 'attempt reset after minUptimeMs', 5_000);
  });
});

describe('close()', () => {
  it('from idle ends in closed without connecting', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    await session.close();
    expect((await session.closed).clientRequested).toBe(true);
    expect(server.handshakes()).toHaveLength(0);
  });

  for (const state of ['resolving', 'connecting', 'initializing', 'authorizing', 'authorized', 'resuming', 'reconnecting'] as const) {
    it(`from ${state} ends in closed with no socket left and no reconnect`, async () => {
      const server = await startServer(
        state === 'authorizing' ? { auth: { validateToken: (token) => new Promise((resolve) => setTimeout(() => resolve(token === 'ok'), 500)) } } : {},
      );
      if (state === 'resolving') server.faults.balancerDelay(500);
      if (state === 'connecting') server.faults.delayHandshake(500);
      if (state === 'initializing') server.faults.delayInitialize(500);
      const session = openSession({
        balancer: server.balancerUrl,
        lazy: false,
        ...(state === 'reconnecting' ? { reconnect: { initialDelayMs: 5_000, maxDelayMs: 5_000 } } : {}),
        ...(state === 'authorizing' ? { auth: { token: 'ok', transport: 'packet' as const } } : {}),
      });
      if (state === 'resuming' || state === 'reconnecting') {
        await waitForState(session, 'authorized');
        if (state === 'resuming') server.faults.delayHandshake(500);
        server.faults.closeConnection('all', state === 'resuming' ? 1001 : 1011, 'test');
      }
      await waitForState(session, state);
      await session.close();
      const closed = await session.closed;
      expect(closed.clientRequested).toBe(true);
      expect(session.actor.getSnapshot().status).toBe('done');
      await eventually(() => server.connections().length === 0, 'no connection left', 2_000);
      const handshakes = server.handshakes().length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.handshakes().length).toBe(handshakes);
    });
  }
});
