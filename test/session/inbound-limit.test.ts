import { describe, expect, it } from 'vitest';
import { InboundOversizeError } from '../../src/node.js';
import { BrowserLikeWebSocket } from '../transport/browser-like-websocket.js';
import { eventually, openSession, startServer, waitForNextState, waitForState } from '../helpers/session-harness.js';

const MiB = 1024 * 1024;

/** A JSON stream message of about `bytes` bytes. */
function bigMessage(bytes: number): string {
  return JSON.stringify({ stream: 'btcusdt@trade', data: 'x'.repeat(bytes), seq: 1 });
}

describe('maxInboundBytes', () => {
  it('Node: a 50 MB frame is refused from its header (default 4 MiB): errors$ says so, and the session resumes', async () => {
    const server = await startServer({ resumeWindowMs: 5_000 });
    const session = openSession({ endpoint: server.endpointUrl, codecs: ['json'], lazy: false });
    await waitForState(session, 'authorized');
    const resumed = waitForNextState(session, 'resuming');

    expect(server.faults.sendGarbage('all', bigMessage(50 * MiB))).toBe(1);

    await resumed;
    await waitForState(session, 'authorized');
    const refused = session.reportedErrors.filter((error) => error instanceof InboundOversizeError);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: 'oversize', limit: 4 * MiB });
    await expect(session.request('ECHO', 'after')).resolves.toBe('after');
  });

  it('Node: a frame within the limit is delivered', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, codecs: ['json'], maxInboundBytes: 2 * MiB, lazy: false });
    const received: string[] = [];
    session.stream<string>('btcusdt@trade').subscribe((data) => received.push(data));
    await eventually(() => session.streamState('btcusdt@trade') === 'active', 'the subscription', 3_000);
    const payload = 'y'.repeat(MiB);
    server.publish('btcusdt@trade', payload);
    await eventually(() => received.length === 1, 'the 1 MiB message', 3_000);
    expect(received[0]).toBe(payload);
    expect(session.reportedErrors).toEqual([]);
  });

  it('a browser (which cannot refuse a frame) drops an oversized one undecoded, reports it, and keeps the connection', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, codecs: ['json'], maxInboundBytes: 64 * 1024, WebSocket: BrowserLikeWebSocket, lazy: false });
    await waitForState(session, 'authorized');
    const connectionsBefore = server.connections().length;

    server.faults.sendGarbage('all', bigMessage(100 * 1024));

    await eventually(() => session.reportedErrors.some((error) => error instanceof InboundOversizeError), 'the oversize report', 3_000);
    const [refused] = session.reportedErrors.filter((error) => error instanceof InboundOversizeError);
    expect(refused).toMatchObject({ limit: 64 * 1024 });
    expect((refused as InboundOversizeError).size).toBeGreaterThan(100 * 1024);
    await expect(session.request('ECHO', 'still up')).resolves.toBe('still up');
    expect(session.states.at(-1)?.value).toBe('authorized');
    expect(server.connections()).toHaveLength(connectionsBefore);
  });

  it('is an OptionsError when not a positive whole number', async () => {
    const { createSession, OptionsError } = await import('../../src/node.js');
    for (const maxInboundBytes of [0, -1, 1.5, Number.NaN, '4MiB']) {
      expect(() => createSession({ endpoint: 'ws://127.0.0.1:1/ws', maxInboundBytes } as never)).toThrow(OptionsError);
    }
  });
});
