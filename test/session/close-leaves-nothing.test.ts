import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import type { WebSocketConstructor } from '../../src/node.js';
import { openSession, startServer, waitForState } from '../helpers/session-harness.js';

/** Remembers every socket the session creates, so the test can check each one's final state. */
function recordingWebSocket(sockets: WebSocket[]): WebSocketConstructor {
  class RecordingWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this);
    }
  }
  return RecordingWebSocket as unknown as WebSocketConstructor;
}

describe('close()', () => {
  it('resolves only once every socket the session opened is fully closed, with a clean 1000 on the wire', async () => {
    const server = await startServer();
    const sockets: WebSocket[] = [];
    const session = openSession({ endpoint: server.endpointUrl, WebSocket: recordingWebSocket(sockets), lazy: false });
    await waitForState(session, 'authorized');
    server.faults.dropConnection();
    await waitForState(session, 'resuming').then(() => waitForState(session, 'authorized'));
    const disconnected = server.waitFor('disconnect', undefined, 2_000);
    await session.close();
    expect(sockets.length).toBe(2);
    expect(sockets.map((socket) => socket.readyState)).toEqual([WebSocket.CLOSED, WebSocket.CLOSED]);
    expect((await disconnected).code).toBe(1000);
  });
});
