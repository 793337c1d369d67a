import { describe, expect, it } from 'vitest';
import { FrameTooLargeError, type WebSocketConstructor } from '../../src/node.js';
import { BrowserLikeWebSocket } from '../transport/browser-like-websocket.js';
import { openSession, waitForState } from '../helpers/session-harness.js';
import { GATEWAY_MAX_FRAME_BYTES, startSeed004Server, type Seed004Options } from './seed-servers.js';

/**
 * Seed 004 (an API gateway in front of a reference-protocol integration) against a gateway that
 * does only what the document says: 32 KB frames, 128 KB messages, 1009 above either, the
 * connection id in `X-Yc-Apigateway-Websocket-Connection-Id`, and an idle limit (10 minutes there,
 * short here) that only a received message or ping frame resets.
 */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The integration behind the gateway: a minimal reference-protocol server (INITIALIZE, PING, ECHO). */
function referenceIntegration(heartbeatMs = 30_000): Seed004Options['integration'] {
  let sessions = 0;
  return (message) => {
    const packet = message as { id?: number; method?: string; params?: unknown };
    if (typeof packet?.id !== 'number') return undefined;
    switch (packet.method) {
      case 'INITIALIZE':
        sessions++;
        return { id: packet.id, result: { sessionId: `s${sessions}`, resumeId: `r${sessions}`, resumed: false, heartbeatMs, authRequired: false } };
      case 'PING':
        return { id: packet.id, result: { time: Date.now() } };
      case 'ECHO':
        return { id: packet.id, result: packet.params };
      default:
        return { id: packet.id, error: { code: -32601, message: 'unknown method' } };
    }
  };
}

const large = { text: 'x'.repeat(100 * 1024) };

describe('seed 004: frame size', () => {
  it('sends a 100 KB message as frames of at most 32 KB when maxFrameBytes says so (Node)', async () => {
    const server = await startSeed004Server({ integration: referenceIntegration() });
    const session = openSession({ endpoint: server.url, lazy: false, maxFrameBytes: GATEWAY_MAX_FRAME_BYTES });
    await waitForState(session, 'authorized');
    expect(await session.request('ECHO', large)).toEqual(large);
    expect(server.largestFrame()).toBeLessThanOrEqual(GATEWAY_MAX_FRAME_BYTES);
    expect(server.closesSent).toEqual([]);
    expect(server.handshakes).toHaveLength(1);
  });

  it('without maxFrameBytes the same message is one frame, and the gateway closes with 1009', async () => {
    const server = await startSeed004Server({ integration: referenceIntegration() });
    const session = openSession({ endpoint: server.url, lazy: false });
    await waitForState(session, 'authorized');
    await session.request('ECHO', large, { timeoutMs: 1_000 }).catch(() => undefined);
    expect(server.closesSent).toContain(1009);
  });

  it('where messages cannot be split (a browser), refuses one over maxFrameBytes locally with a FrameTooLargeError', async () => {
    const server = await startSeed004Server({ integration: referenceIntegration() });
    const session = openSession({
      endpoint: server.url,
      lazy: false,
      maxFrameBytes: GATEWAY_MAX_FRAME_BYTES,
      WebSocket: BrowserLikeWebSocket as unknown as WebSocketConstructor,
    });
    await waitForState(session, 'authorized');
    await expect(session.request('ECHO', large)).rejects.toBeInstanceOf(FrameTooLargeError);
    // Nothing was sent, the connection is still up and serves a message that fits.
    expect(await session.request('ECHO', { small: 1 })).toEqual({ small: 1 });
    expect(server.closesSent).toEqual([]);
    expect(server.handshakes).toHaveLength(1);
  });
});

describe('seed 004: idle limit and connection id', () => {
  it('keeps a quiet session alive past the idle limit with ping frames and PING', async () => {
    const server = await startSeed004Server({ idleMs: 400, integration: referenceIntegration(150) });
    const session = openSession({ endpoint: server.url, lazy: false });
    await waitForState(session, 'authorized');
    await pause(1_300);
    expect(server.closesSent).toEqual([]);
    expect(server.handshakes).toHaveLength(1);
  });

  it('keeps a session that only receives alive: the gateway counts what the client sends (Node: ping frames)', async () => {
    const server = await startSeed004Server({ idleMs: 400, integration: referenceIntegration(150) });
    const session = openSession({ endpoint: server.url, lazy: false });
    await waitForState(session, 'authorized');
    // The integration pushes an event every 50 ms (the gateway's Send API): the client is never quiet.
    const push = setInterval(() => {
      for (const socket of server.sockets) socket.send(JSON.stringify({ event: 'tick' }));
    }, 50);
    try {
      await pause(1_300);
    } finally {
      clearInterval(push);
    }
    expect(server.closesSent).toEqual([]);
    expect(server.handshakes).toHaveLength(1);
  });

  it('is idled out when the heartbeat is longer than the idle limit (the limit is real)', async () => {
    const server = await startSeed004Server({ idleMs: 300, integration: referenceIntegration(30_000) });
    const session = openSession({ endpoint: server.url, lazy: false });
    await waitForState(session, 'authorized');
    await pause(600);
    expect(server.closesSent).toContain(1001);
  });

  it('exposes X-Yc-Apigateway-Websocket-Connection-Id as the connection id (Node)', async () => {
    const server = await startSeed004Server({ integration: referenceIntegration() });
    const session = openSession({ endpoint: server.url, lazy: false });
    const ready = await waitForState(session, 'authorized');
    expect(ready.connectionId).toBe(server.connectionIds[0]);
    expect(ready.connectionId).toMatch(/^d0e/);
  });
});
