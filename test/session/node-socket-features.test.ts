import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { createSession as createBrowserEntrySession } from '../../src/index.js';
import type { SessionSnapshot, WebSocketConstructor } from '../../src/node.js';
import { FAST, openSession, startServer, waitForState } from '../helpers/session-harness.js';

/**
 * The Node entry passes the socket extensions of `ws` (src/transport/ws-extensions.ts): the
 * handshake response's headers and HTTP status. The browser entry does not carry them, so that a
 * browser bundle does not pay for them: given `ws` anyway, it uses it as a browser socket.
 */
describe('the socket features of ws', () => {
  it('are used by the Node entry: the Connection-Id header and the HTTP status of a refused upgrade', async () => {
    const server = await startServer();
    server.faults.refuseConnections({ times: 1, mode: 'http-503' });
    const session = openSession({ endpoint: server.endpointUrl, lazy: false });
    const ready = await waitForState(session, 'authorized');
    expect(ready.connectionId).toMatch(/^conn-/);
    expect(session.states.some((snapshot: SessionSnapshot) => snapshot.lastClose?.httpStatus === 503)).toBe(true);
  });

  it('are not in the browser entry, which uses ws as it would a browser WebSocket', async () => {
    const server = await startServer();
    const session = createBrowserEntrySession({ ...FAST, endpoint: server.endpointUrl, WebSocket: WebSocket as unknown as WebSocketConstructor, lazy: false });
    try {
      await session.ready({ timeoutMs: 5_000 });
      const snapshot = await new Promise<SessionSnapshot>((resolve) => session.state$.subscribe(resolve).unsubscribe());
      expect(snapshot.value).toBe('authorized');
      expect(snapshot.connectionId).toBeUndefined();
    } finally {
      await session.close();
    }
  });
});
