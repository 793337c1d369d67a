/**
 * Field-hardening limits in a real browser (Chromium's own WebSocket, which cannot refuse a frame):
 * an incoming message over `maxInboundBytes` is dropped undecoded and reported, and the connection
 * stays up; params the codec cannot carry are refused before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { EncodeError, FrameTooLargeError, InboundOversizeError, RequestTimeoutError } from '../../src/index.js';
import { msgpack } from '../../src/msgpack.js';
import { openSession, serverUrls, waitForState } from './harness.js';

describe('in the browser: limits', () => {
  it('drops an answer over maxInboundBytes with an InboundOversizeError on errors$, and keeps the connection', async () => {
    const session = openSession({ balancer: serverUrls('open').balancerUrl, codecs: ['json'], maxInboundBytes: 16 * 1024, lazy: false });
    await waitForState(session, 'authorized');
    const big = 'x'.repeat(32 * 1024);

    // The server echoes 32 KiB back: over the limit, so the answer is dropped and the request times out.
    const error = await session.request('ECHO', big, { timeoutMs: 500 }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as RequestTimeoutError).sent).toBe(true);
    const refused = session.reportedErrors.filter((reported) => reported instanceof InboundOversizeError);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: 'oversize', limit: 16 * 1024 });
    expect((refused[0] as InboundOversizeError).size).toBeGreaterThan(32 * 1024);
    await expect(session.request('ECHO', 'small')).resolves.toBe('small');
    expect(session.states.filter((state) => state.value === 'reconnecting')).toEqual([]);
  });

  it('refuses a message over maxFrameBytes with a FrameTooLargeError (a browser cannot fragment), and keeps the connection', async () => {
    const session = openSession({ balancer: serverUrls('open').balancerUrl, codecs: ['json'], maxFrameBytes: 32 * 1024, lazy: false });
    await waitForState(session, 'authorized');
    const error = await session.request('ECHO', 'x'.repeat(40 * 1024)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FrameTooLargeError);
    expect(error).toMatchObject({ code: 'oversize', limit: 32 * 1024 });
    await expect(session.request('ECHO', 'y'.repeat(16 * 1024))).resolves.toBe('y'.repeat(16 * 1024));
    expect(session.states.filter((state) => state.value === 'reconnecting')).toEqual([]);
  });

  it('counts a non-ASCII message in UTF-8 bytes against maxFrameBytes, and reports its real size', async () => {
    const session = openSession({ balancer: serverUrls('open').balancerUrl, codecs: ['json'], maxFrameBytes: 32 * 1024, lazy: false });
    await waitForState(session, 'authorized');
    // 20,480 UTF-16 units but 40,960 UTF-8 bytes: under the frame limit by length, over it by bytes.
    const text = 'é'.repeat(20 * 1024);
    const error = await session.request('ECHO', text).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FrameTooLargeError);
    const size = (error as FrameTooLargeError).size;
    expect(size).toBeGreaterThan(40 * 1024);
    expect(size).toBeLessThan(40 * 1024 + 100);
    expect(session.states.filter((state) => state.value === 'reconnecting')).toEqual([]);
  });

  it('refuses params the codec cannot carry with an EncodeError naming the path', async () => {
    const session = openSession({ balancer: serverUrls('open').balancerUrl, codecs: [msgpack()], lazy: false });
    await waitForState(session, 'authorized');
    const error = await session.request('ECHO', { order: JSON.parse('{"__proto__":{"admin":true}}') as unknown }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EncodeError);
    expect(error).toMatchObject({ codec: 'msgpack', path: 'params.order.__proto__' });
    await expect(session.request('ECHO', 1)).resolves.toBe(1);
  });
});
