import { describe, expect, it } from 'vitest';
import { bson } from '../../src/bson.js';
import { msgpack } from '../../src/msgpack.js';
import { referenceProtocol } from '../../src/node.js';
import { openSession, startServer, waitForNextState, waitForState } from '../helpers/session-harness.js';

/**
 * Seeds 000, 001 and 002 describe servers of the reference protocol's family; each profile here is
 * the reference test server configured to do what one document says, with the library's defaults
 * (plus only what the document tells a client to set) working against it.
 */

describe('seed 000: balancer, Resume-Id, INITIALIZE first, resume without the balancer', () => {
  it('resolves through GET /v1/websocket/server, initializes first, and resumes at the same endpoint with the Resume-Id', async () => {
    const server = await startServer({ location: 'eu-1' });
    const session = openSession({ balancer: server.balancerUrl, lazy: false });
    const ready = await waitForState(session, 'authorized');
    expect(ready.location).toBe('eu-1');
    expect(server.packets()[0]?.method).toBe('INITIALIZE');
    const firstResumeId = server.handshakes()[0]?.requestedResumeId;
    expect(firstResumeId).toBeUndefined();
    const next = waitForNextState(session, 'authorized');
    server.faults.dropConnection();
    const resumed = await next;
    expect(resumed.resumed).toBe(true);
    // Resuming goes straight back to the endpoint: the balancer was asked once.
    expect(server.balancerRequests()).toHaveLength(1);
    expect(server.handshakes()[1]?.requestedResumeId).toEqual(expect.any(String));
  });
});

describe('seed 001: token by subprotocol (default) or query, JSON text frames', () => {
  it('sends the token as a subprotocol by default, never in the URL', async () => {
    const server = await startServer({ auth: { tokens: ['t-123'] } });
    const session = openSession({ endpoint: server.endpointUrl, lazy: false, auth: { token: () => 't-123' } });
    await waitForState(session, 'authorized');
    const handshake = server.handshakes()[0];
    expect(handshake?.tokenTransport).toBe('subprotocol');
    expect(handshake?.query.token).toBeUndefined();
  });

  it("sends it as a query parameter with auth.transport 'query'", async () => {
    const server = await startServer({ auth: { tokens: ['t-123'] } });
    const session = openSession({ endpoint: server.endpointUrl, lazy: false, auth: { token: () => 't-123', transport: 'query' } });
    await waitForState(session, 'authorized');
    expect(server.handshakes()[0]?.tokenTransport).toBe('query');
  });
});

describe('seed 002: named subprotocols per codec, version query parameter', () => {
  it('negotiates ZenithJson/ZenithBson/ZenithMsgPack in preference order and sends the version the server speaks', async () => {
    const names = { json: 'ZenithJson', bson: 'ZenithBson', msgpack: 'ZenithMsgPack' } as const;
    const server = await startServer({ codecs: ['msgpack', 'bson', 'json'], subprotocols: names, protocolVersion: '2.0' });
    const session = openSession({
      endpoint: server.endpointUrl,
      lazy: false,
      codecs: ['json', bson(), msgpack()],
      subprotocols: names,
      protocol: referenceProtocol({ version: '2.0' }),
    });
    const ready = await waitForState(session, 'authorized');
    expect(ready.codec).toBe('json');
    expect(server.handshakes()[0]).toMatchObject({ protocols: ['ZenithJson', 'ZenithBson', 'ZenithMsgPack'], query: { version: '2.0' } });
  });
});
