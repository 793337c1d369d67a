import { describe, expect, it } from 'vitest';
import { OptionsError, RequestAbortedError, SessionClosedError, StateTimeoutError, UnauthorizedError } from '../../src/node.js';
import { openSession, startServer, waitForState } from '../helpers/session-harness.js';

describe('session.ready()', () => {
  it('starts a lazy session and resolves with the authorized snapshot', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    const ready = await session.ready({ timeoutMs: 5_000 });
    expect(ready).toMatchObject({ value: 'authorized', codec: 'json', resumed: false });
    expect(server.handshakes()).toHaveLength(1);
  });

  it('resolves at once when the session is already authorized', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, lazy: false });
    await waitForState(session, 'authorized');
    await expect(session.ready()).resolves.toMatchObject({ value: 'authorized' });
  });

  it('rejects with the closing error when the session ends fatally first', async () => {
    const server = await startServer({ auth: { licenses: ['good'] } });
    const session = openSession({ endpoint: server.endpointUrl, auth: { license: 'bad' } });
    await expect(session.ready()).rejects.toBeInstanceOf(UnauthorizedError);
    // A closed session rejects later calls at once, with the same error.
    await expect(session.ready()).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('rejects with a SessionClosedError when close() comes first', async () => {
    const server = await startServer();
    server.faults.delayHandshake(5_000);
    const session = openSession({ endpoint: server.endpointUrl });
    const ready = session.ready();
    await session.close();
    await expect(ready).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('rejects with a StateTimeoutError after timeoutMs, and the session carries on', async () => {
    const server = await startServer();
    server.faults.refuseConnections({ times: 3 });
    const session = openSession({ endpoint: server.endpointUrl });
    const error: unknown = await session.ready({ timeoutMs: 1 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StateTimeoutError);
    expect(error).toMatchObject({ code: 'timeout', state: 'authorized', timeoutMs: 1 });
    await expect(session.ready({ timeoutMs: 5_000 })).resolves.toMatchObject({ value: 'authorized' });
  });

  it('rejects with a RequestAbortedError when its signal aborts, before or during the wait', async () => {
    const server = await startServer();
    server.faults.delayHandshake(5_000);
    const session = openSession({ endpoint: server.endpointUrl });
    await expect(session.ready({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(RequestAbortedError);
    const controller = new AbortController();
    const ready = session.ready({ signal: controller.signal });
    controller.abort();
    await expect(ready).rejects.toBeInstanceOf(RequestAbortedError);
  });

  it.each([-1, Number.NaN, '10'])('refuses timeoutMs %j with an OptionsError', async (timeoutMs) => {
    const session = openSession({ endpoint: 'ws://127.0.0.1:1/ws' });
    await expect(session.waitFor('authorized', { timeoutMs: timeoutMs as number })).rejects.toBeInstanceOf(OptionsError);
  });
});

describe('session.waitFor()', () => {
  it('waits for any state without starting a lazy session', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    await expect(session.waitFor('idle')).resolves.toMatchObject({ value: 'idle' });
    const authorized = session.waitFor('authorized');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.handshakes()).toHaveLength(0);
    session.start();
    await authorized;

    const reconnecting = session.waitFor('resuming', { timeoutMs: 5_000 });
    server.faults.dropConnection();
    await expect(reconnecting).resolves.toMatchObject({ value: 'resuming' });
    await session.ready({ timeoutMs: 5_000 });

    const closed = session.waitFor('closed');
    await session.close();
    await expect(closed).resolves.toMatchObject({ value: 'closed', closedReason: { clientRequested: true } });
    await expect(session.waitFor('closed')).resolves.toMatchObject({ value: 'closed' });
    await expect(session.waitFor('authorized')).rejects.toBeInstanceOf(SessionClosedError);
  });
});
