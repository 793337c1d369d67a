import { describe, expect, it } from 'vitest';
import { start } from './server-fixture.js';
import { openSession } from './raw-client.js';


const auth = { licenses: ['lic-1'], users: { alice: 'wonderland' }, tokens: ['tok-1'] };

describe('AUTHORIZE', () => {
  it('requires authorization when credentials are configured', async () => {
    const s = await start({ auth });
    const { result } = await openSession(s);
    expect(result.authRequired).toBe(true);
    expect(s.sessions()[0]?.authorized).toBe(false);
  });

  it('requires none when nothing is configured, or when required is false', async () => {
    const open = await start();
    expect((await openSession(open)).result.authRequired).toBe(false);
    await open.close();
    const optional = await start({ auth: { ...auth, required: false } });
    expect((await openSession(optional)).result.authRequired).toBe(false);
  });

  it.each([
    ['a license', { license: 'lic-1' }],
    ['a username and password', { username: 'alice', password: 'wonderland' }],
    ['a token', { token: 'tok-1' }],
  ])('accepts %s', async (_name, credentials) => {
    const s = await start({ auth });
    const { client } = await openSession(s);
    expect(await client.call('AUTHORIZE', credentials)).toEqual({});
    expect(await client.call('SUBSCRIBE', ['btcusdt@trade'])).toBeNull();
    expect(s.sessions()[0]?.authorized).toBe(true);
  });

  it('reports expiresAt when expiresInMs is configured', async () => {
    const s = await start({ auth: { ...auth, expiresInMs: 60_000 } });
    const { client } = await openSession(s);
    const before = Date.now();
    const result = (await client.call('AUTHORIZE', { license: 'lic-1' })) as { expiresAt: number };
    expect(result.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(result.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it.each([
    ['a wrong license', { license: 'nope' }],
    ['a wrong password', { username: 'alice', password: 'nope' }],
    ['an unknown user', { username: 'bob', password: 'wonderland' }],
    ['an inherited property name as user', { username: 'toString', password: 'x' }],
    ['a wrong token', { token: 'nope' }],
  ])('rejects %s with error 401, then closes with 4001', async (_name, credentials) => {
    const s = await start({ auth });
    const { client } = await openSession(s);
    const response = await client.request('AUTHORIZE', credentials);
    expect(response['error']).toMatchObject({ code: 401 });
    expect((await client.waitForClose()).code).toBe(4001);
  });

  it('checks tokens with an async validator', async () => {
    const s = await start({ auth: { validateToken: async (token) => token === 'async-ok' } });
    const good = await openSession(s);
    expect(await good.client.call('AUTHORIZE', { token: 'async-ok' })).toEqual({});
    const bad = await openSession(s);
    expect((await bad.client.request('AUTHORIZE', { token: 'x' }))['error']).toMatchObject({ code: 401 });
    expect((await bad.client.waitForClose()).code).toBe(4001);
  });

  it('answers params of no known shape with -32602 and stays open', async () => {
    const s = await start({ auth });
    const { client } = await openSession(s);
    for (const params of [undefined, {}, { license: 1 }, { username: 'alice' }, 'lic-1']) {
      expect((await client.request('AUTHORIZE', params))['error']).toMatchObject({ code: -32602 });
    }
    expect(await client.call('AUTHORIZE', { license: 'lic-1' })).toEqual({});
  });

  it('answers every method but PING with 401 before AUTHORIZE, and stays open', async () => {
    const s = await start({ auth });
    const { client } = await openSession(s);
    for (const [method, params] of [
      ['SUBSCRIBE', ['btcusdt@trade']],
      ['UNSUBSCRIBE', ['btcusdt@trade']],
      ['ECHO', 1],
      ['NO_SUCH_METHOD', undefined],
    ] as const) {
      expect((await client.request(method, params))['error']).toMatchObject({ code: 401 });
    }
    expect(await client.call('PING')).toMatchObject({ time: expect.any(Number) });
    expect(s.sessions()[0]?.subscriptions).toEqual([]);
    expect(await client.call('AUTHORIZE', { license: 'lic-1' })).toEqual({});
    expect(await client.call('ECHO', 1)).toBe(1);
  });

  it('accepts any credentials when authorization is neither required nor configured', async () => {
    const s = await start();
    const { client } = await openSession(s);
    expect(await client.call('AUTHORIZE', { license: 'anything' })).toEqual({});
  });
});
