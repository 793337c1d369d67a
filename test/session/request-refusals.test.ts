import { describe, expect, it } from 'vitest';
import { OptionsError, RequestTimeoutError, ReservedMethodError, plainStreams } from '../../src/node.js';
import { eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';

describe('request() with a method the protocol reserves', () => {
  it.each(['INITIALIZE', 'AUTHORIZE', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PING'])('refuses %s without sending it, and the session stays up', async (method) => {
    const server = await startServer({ auth: { licenses: ['good'] } });
    const session = openSession({ endpoint: server.endpointUrl, auth: { license: 'good' }, lazy: false });
    await waitForState(session, 'authorized');
    const sentBefore = server.packets((packet) => packet.method === method).length;

    const error = await session.request(method, method === 'AUTHORIZE' ? { license: 'bad' } : ['btcusdt@trade']).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ReservedMethodError);
    expect(error).toMatchObject({ code: 'reserved-method', method, protocol: 'reference' });
    await expect(session.request('ECHO', 'still up')).resolves.toBe('still up');
    expect(server.packets((packet) => packet.method === method)).toHaveLength(sentBefore);
    expect(session.states.at(-1)?.value).toBe('authorized');
  });

  it('a stream keeps flowing after request("UNSUBSCRIBE", [name]) was refused', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, lazy: false });
    const received: number[] = [];
    session.stream<number>('btcusdt@trade').subscribe((value) => received.push(value));
    await eventually(() => session.streamState('btcusdt@trade') === 'active', 'the stream to be active', 3_000);

    await expect(session.request('UNSUBSCRIBE', ['btcusdt@trade'])).rejects.toBeInstanceOf(ReservedMethodError);
    server.publish('btcusdt@trade', 1);
    await eventually(() => received.length === 1, 'the message after the refused unsubscribe', 3_000);
    expect(session.streamState('btcusdt@trade')).toBe('active');
  });

  it('refuses the subscribe and unsubscribe names of plain streams, as configured, and nothing else', async () => {
    const server = await startServer({ dialect: 'plain-streams' });
    const session = openSession({ endpoint: server.endpointUrl, protocol: plainStreams({ methods: { subscribe: 'sub', unsubscribe: 'unsub' } }), lazy: false });
    await waitForState(session, 'authorized');
    await expect(session.request('sub', ['a'])).rejects.toMatchObject({ code: 'reserved-method', method: 'sub', protocol: 'plain-streams' });
    await expect(session.request('unsub', ['a'])).rejects.toBeInstanceOf(ReservedMethodError);
    expect(server.packets((packet) => packet.method === 'sub' || packet.method === 'unsub')).toEqual([]);
  });

  it('refuses a method that is not a non-empty string with an OptionsError', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    await expect(session.request('')).rejects.toBeInstanceOf(OptionsError);
    await expect(session.request(42 as unknown as string)).rejects.toBeInstanceOf(OptionsError);
    // Refused before starting: a lazy session did not even connect.
    expect(session.states.at(-1)?.value).toBe('idle');
  });
});

describe('a request that times out before it was sent', () => {
  it('says it was never sent, and why, when the server refuses every connection', async () => {
    const server = await startServer();
    server.faults.refuseConnections();
    const session = openSession({ endpoint: server.endpointUrl, lazy: false });
    const error = await session.request('ECHO', 1, { timeoutMs: 300 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ code: 'request-timeout', sent: false, method: 'ECHO', timeoutMs: 300 });
    expect((error as RequestTimeoutError).notSentReason).toMatch(/^the session is not connected \(.*last close 1006/);
    expect(server.packets((packet) => packet.method === 'ECHO')).toEqual([]);
  });

  it('says it was sent when the server took it and never answered', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, lazy: false });
    await waitForState(session, 'authorized');
    server.faults.ignoreRequests({ methods: ['ECHO'] });
    const error = await session.request('ECHO', 1, { timeoutMs: 100 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'request-timeout', sent: true });
    expect(error).toMatchObject({ method: 'ECHO', timeoutMs: 100, notSentReason: undefined });
  });
});
