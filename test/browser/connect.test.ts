/**
 * The library in a real browser (Debian's Chromium), on the browser's own WebSocket, against the
 * reference server running in Node: balancer, codecs, streams.
 */
import { describe, expect, it } from 'vitest';
import type { CodecName } from '../../src/index.js';
import { codecFactory } from '../../src/codecs/index.js';
import { msgpack } from '../../src/msgpack.js';
import { eventually, openSession, remoteServer, serverUrls, uniqueStream, waitForState } from './harness.js';

const open = remoteServer('open');

describe('in the browser', () => {
  it('runs where there is a native WebSocket and no Node', () => {
    expect(typeof globalThis.WebSocket).toBe('function');
    expect((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node).toBeUndefined();
  });

  it('connects through the balancer with the browser WebSocket and reaches authorized', async () => {
    const urls = serverUrls('open');
    const session = openSession({ balancer: urls.balancerUrl, lazy: false });
    const authorized = await waitForState(session, 'authorized');
    expect(authorized.endpoint).toBe(urls.endpointUrl);
    expect(authorized.location).toBe('local-1');
    expect(authorized.sessionId).toEqual(expect.any(String));
    // A browser cannot read handshake response headers: no Connection-Id.
    expect(authorized.connectionId).toBeUndefined();
    expect(session.states.map((state) => state.value)).toEqual(['resolving', 'connecting', 'initializing', 'authorized']);

    // The server saw a browser: it sent an Origin and a Chrome user agent, and no Resume-Id header.
    const handshakes = await open.handshakes();
    const ours = handshakes.filter((handshake) => handshake.headers['origin'] === location.origin);
    expect(ours.length).toBeGreaterThan(0);
    expect(ours[0]?.headers['user-agent']).toMatch(/Chrome/);
    expect(ours[0]?.query['version']).toBe('1');
  });

  it.each<CodecName>(['json', 'msgpack', 'bson'])('speaks %s', async (codec) => {
    const session = openSession({ balancer: serverUrls('open').balancerUrl, codecs: [codecFactory(codec)] });
    const params = { text: 'grüße ✓ 😀', count: 42, price: 43_000.25, list: [1, 2, 3], nested: { ok: true, none: null } };
    await expect(session.request('ECHO', params)).resolves.toEqual(params);
    const snapshot = await waitForState(session, 'authorized');
    expect(snapshot.codec).toBe(codec);
  });

  it('delivers stream messages the server publishes, in order', async () => {
    const session = openSession({ balancer: serverUrls('open').balancerUrl, codecs: [msgpack()] });
    const stream = uniqueStream('connect');
    const received: unknown[] = [];
    session.stream<{ n: number }>(stream).subscribe((data) => received.push(data));
    await eventually(() => open.hasSubscribers(stream), 'the server to see the subscription');
    for (let n = 1; n <= 5; n++) expect(await open.publish(stream, { n })).toBe(1);
    await eventually(() => received.length >= 5, 'five stream messages');
    expect(received).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
  });
});
