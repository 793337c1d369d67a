import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { msgpack } from '../../src/msgpack.js';
import { WirestateError } from '../../src/node.js';
import { eventually, openSession, startServer } from '../helpers/session-harness.js';

/**
 * A real `ws` socket that behaves like a WebSocket implementation which ignores the binaryType the
 * transport asks for and delivers binary messages as Blobs, which the transport cannot read.
 */
class BlobOnlyWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[], options?: WebSocket.ClientOptions) {
    super(url, protocols, options);
    Object.getOwnPropertyDescriptor(WebSocket.prototype, 'binaryType')?.set?.call(this, 'blob');
    // Any later binaryType is ignored.
    Object.defineProperty(this, 'binaryType', { get: () => 'blob', set: () => {}, configurable: true });
  }
}

describe('a binary message the WebSocket delivers in a form the transport cannot read', () => {
  it('is reported on errors$ instead of being dropped silently', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, codecs: [msgpack()], WebSocket: BlobOnlyWebSocket, lazy: false });
    await eventually(
      () => session.reportedErrors.some((error) => error.code === 'decode' && error.message.startsWith('binary message dropped')),
      'the dropped message on errors$',
      3_000,
    );
    const dropped = session.reportedErrors.find((error) => error.message.startsWith('binary message dropped'));
    expect(dropped).toBeInstanceOf(WirestateError);
    expect(dropped?.code).toBe('decode');
  });
});
