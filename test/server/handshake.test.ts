import { describe, expect, it } from 'vitest';
import { start } from './server-fixture.js';
import { RawClient, openSession } from './raw-client.js';

describe('handshake: version', () => {
  it('rejects a handshake without version=1 with HTTP 400 by default', async () => {
    const s = await start();
    await expect(RawClient.connect(s, { version: null })).rejects.toMatchObject({ status: 400 });
    expect(s.handshakes()[0]?.outcome).toBe('bad-version');
    expect(s.stats().connectionsOpened).toBe(0);
  });

  it('rejects an unsupported version with HTTP 400', async () => {
    const s = await start({ requireVersion: false });
    await expect(RawClient.connect(s, { version: '2' })).rejects.toMatchObject({ status: 400 });
  });

  it('accepts a missing version when requireVersion is false', async () => {
    const s = await start({ requireVersion: false });
    const client = await RawClient.connect(s, { version: null });
    expect((await client.initialize()).resumed).toBe(false);
  });

  it('answers another path with HTTP 404', async () => {
    const s = await start();
    await expect(RawClient.connect(s, { path: '/other' })).rejects.toMatchObject({ status: 404 });
    expect(s.handshakes()[0]?.outcome).toBe('not-found');
  });
});

describe('handshake: codec negotiation', () => {
  it('selects the first offered codec the server supports', async () => {
    const s = await start();
    const client = await RawClient.connect(s, { protocols: ['cbor.v1', 'bson.v1', 'msgpack.v1', 'json.v1'] });
    expect(client.ws.protocol).toBe('bson.v1');
    expect(client.responseHeaders['sec-websocket-protocol']).toBe('bson.v1');
    const result = await client.initialize();
    expect(result.sessionId).toMatch(/^sess-/);
    expect(client.frames[0]?.binary).toBe(true);
    expect(s.sessions()[0]?.codec).toBe('bson');
  });

  it('speaks MessagePack in binary frames when msgpack.v1 comes first', async () => {
    const s = await start();
    const client = await RawClient.connect(s, { protocols: ['msgpack.v1', 'json.v1'] });
    expect(client.ws.protocol).toBe('msgpack.v1');
    await client.initialize();
    expect(await client.call('ECHO', { nested: [1, 'two', { three: true }] })).toEqual({ nested: [1, 'two', { three: true }] });
    expect(client.frames.every((frame) => frame.binary)).toBe(true);
  });

  it('speaks JSON in text frames when no subprotocol is offered, and selects none', async () => {
    const s = await start();
    const client = await RawClient.connect(s);
    expect(client.ws.protocol).toBe('');
    expect(client.responseHeaders['sec-websocket-protocol']).toBeUndefined();
    await client.initialize();
    expect(client.frames[0]?.binary).toBe(false);
    expect(s.handshakes()[0]?.codec).toBe('json');
  });

  it('never echoes a bearer entry, even when it is offered first', async () => {
    const s = await start({ auth: { tokens: ['secret-token'] } });
    const client = await RawClient.connect(s, { protocols: ['bearer.secret-token', 'msgpack.v1'] });
    expect(client.ws.protocol).toBe('msgpack.v1');
  });

  it('uses configured subprotocol names and only the configured codecs', async () => {
    const s = await start({ codecs: ['json', 'bson'], subprotocols: { json: 'acme-json', bson: 'acme-bson' } });
    const client = await RawClient.connect(s, { protocols: ['msgpack.v1', 'json.v1', 'acme-bson', 'acme-json'] });
    expect(client.ws.protocol).toBe('acme-bson');
    expect(s.handshakes()[0]?.codec).toBe('bson');
  });
});

describe('handshake: Resume-Id and Connection-Id', () => {
  it('sends Resume-Id and Connection-Id headers, new ones on every handshake', async () => {
    const s = await start();
    const first = await RawClient.connect(s);
    const second = await RawClient.connect(s);
    const ids = [first, second].map((client) => [client.responseHeaders['resume-id'], client.responseHeaders['connection-id']]);
    for (const [resumeId, connectionId] of ids) {
      expect(resumeId).toMatch(/^[0-9a-f-]{36}$/);
      expect(connectionId).toMatch(/^conn-\d+$/);
    }
    expect(ids[0]?.[0]).not.toBe(ids[1]?.[0]);
    expect(ids[0]?.[1]).not.toBe(ids[1]?.[1]);
    const result = await first.initialize();
    expect(result.resumeId).toBe(first.responseHeaders['resume-id']);
    expect(s.connections().map((connection) => connection.connectionId).sort()).toEqual(ids.map((pair) => pair[1]).sort());
  });

  it('records the requested Resume-Id from the query, else from the Resume-Id header', async () => {
    const s = await start();
    await RawClient.connect(s, { query: { resume: 'from-query' }, headers: { 'Resume-Id': 'from-header' } });
    await RawClient.connect(s, { headers: { 'Resume-Id': 'from-header' } });
    expect(s.handshakes().map((record) => record.requestedResumeId)).toEqual(['from-query', 'from-header']);
    expect(s.handshakes()[1]?.headers['resume-id']).toBe('from-header');
  });
});

describe('handshake: tokens', () => {
  it('accepts a good bearer token: authorized, authRequired false', async () => {
    const s = await start({ auth: { tokens: ['good'], licenses: ['lic'] } });
    const { client, result } = await openSession(s, { protocols: ['json.v1', 'bearer.good'] });
    expect(result.authRequired).toBe(false);
    expect(await client.call('SUBSCRIBE', ['btcusdt@trade'])).toBeNull();
    expect(s.sessions()[0]?.authorized).toBe(true);
  });

  it('accepts a good token= query parameter', async () => {
    const s = await start({ auth: { tokens: ['good'] } });
    const { result } = await openSession(s, { query: { token: 'good' } });
    expect(result.authRequired).toBe(false);
    expect(s.handshakes()[0]?.tokenTransport).toBe('query');
  });

  it('accepts the upgrade for a bad bearer token, then closes with 4001', async () => {
    const s = await start({ auth: { tokens: ['good'] } });
    const client = await RawClient.connect(s, { protocols: ['json.v1', 'bearer.bad'] });
    expect((await client.waitForClose()).code).toBe(4001);
    expect(s.handshakes()[0]?.outcome).toBe('unauthorized');
  });

  it('closes with 4001 for a bad token= query parameter', async () => {
    const s = await start({ auth: { validateToken: (token) => token.startsWith('valid-') } });
    const good = await RawClient.connect(s, { query: { token: 'valid-1' } });
    expect((await good.initialize()).authRequired).toBe(false);
    const bad = await RawClient.connect(s, { query: { token: 'nope' } });
    expect((await bad.waitForClose()).code).toBe(4001);
  });

  it('waits for an async token validator', async () => {
    const s = await start({ auth: { validateToken: async (token) => token === 'slow-ok' } });
    const { result } = await openSession(s, { protocols: ['json.v1', 'bearer.slow-ok'] });
    expect(result.authRequired).toBe(false);
  });

  it('keeps tokens out of its records', async () => {
    const s = await start({ auth: { tokens: ['top-secret'] } });
    await RawClient.connect(s, { protocols: ['json.v1', 'bearer.top-secret'], query: { token: 'top-secret' } });
    const record = s.handshakes()[0];
    expect(record?.query['token']).toBe('<redacted>');
    expect(record?.protocols).toEqual(['json.v1', 'bearer.<redacted>']);
    expect(JSON.stringify(s.handshakes())).not.toContain('top-secret');
  });
});
