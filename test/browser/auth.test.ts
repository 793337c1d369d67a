/**
 * Tokens in the browser. A browser cannot set handshake headers, so a token travels as a
 * `bearer.<token>` subprotocol entry (the default transport) and is checked at the handshake.
 */
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../src/index.js';
import { BROWSER_TOKEN } from './fixtures.js';
import { openSession, remoteServer, serverUrls, waitForState } from './harness.js';

const tokenServer = remoteServer('token');

describe('tokens in the browser', () => {
  it('authorizes with a token sent as a subprotocol, never in the URL', async () => {
    const session = openSession({ balancer: serverUrls('token').balancerUrl, auth: { token: async () => BROWSER_TOKEN } });
    await expect(session.request('ECHO', { hello: 'token' })).resolves.toEqual({ hello: 'token' });
    const snapshot = await waitForState(session, 'authorized');

    const handshake = (await tokenServer.handshakes()).find((record) => record.headers['origin'] === location.origin && record.outcome === 'accepted');
    expect(handshake?.tokenTransport).toBe('subprotocol');
    expect(handshake?.protocols).toContain('bearer.<redacted>');
    expect(handshake?.selectedProtocol).toBe(`${snapshot.codec}.v1`);
    expect(handshake?.query['token']).toBeUndefined();
  });

  it('ends in closed with an UnauthorizedError when the server refuses the token (4001)', async () => {
    const session = openSession({ balancer: serverUrls('token').balancerUrl, auth: { token: 'not-the-token' }, lazy: false });
    const closed = await waitForState(session, 'closed');
    expect(closed.closedReason?.code).toBe(4001);
    expect(closed.closedReason?.error).toBeInstanceOf(UnauthorizedError);
    expect(session.states.map((state) => state.value)).not.toContain('authorized');
  });
});
