import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/node.js';
import { openSession, startServer, waitForState } from '../helpers/session-harness.js';

describe('a token the subprotocol transport cannot carry', () => {
  it('ends the session with an OptionsError before any handshake', async () => {
    const server = await startServer({ auth: { tokens: ['abc='] } });
    const session = openSession({ endpoint: server.endpointUrl, auth: { token: () => 'abc=' }, lazy: false });
    const closed = await session.closed;
    expect(closed.error).toBeInstanceOf(OptionsError);
    expect(closed.error?.message).toBe("auth token must be a subprotocol token unless auth.transport is 'query' or 'packet'");
    expect(server.handshakes()).toHaveLength(0);
  });

  it('ends the session with an OptionsError when a provider gives one for a resume', async () => {
    const server = await startServer({ auth: { tokens: ['good'] } });
    let token = 'good';
    const session = openSession({ endpoint: server.endpointUrl, auth: { token: () => token }, lazy: false });
    await waitForState(session, 'authorized');
    token = 'not/allowed';
    server.faults.dropConnection();
    const closed = await session.closed;
    expect(closed.error).toBeInstanceOf(OptionsError);
    expect(server.handshakes()).toHaveLength(1);
  });
});
