import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { codecFactory } from '../../src/codecs/index.js';
import { NegotiationError, type WebSocketConstructor } from '../../src/node.js';
import { openSession, startServer } from '../helpers/session-harness.js';

/** A lenient WebSocket that reports a subprotocol nobody offered, as some non-conforming implementations do. */
class LenientWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    Object.defineProperty(this, 'protocol', { get: () => 'yaml.v1' });
  }
}

describe('codec negotiation', () => {
  it('a server answer naming a subprotocol that was not offered ends the session with a NegotiationError', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, WebSocket: LenientWebSocket as unknown as WebSocketConstructor, lazy: false });
    const closed = await session.closed;
    expect(closed.error).toBeInstanceOf(NegotiationError);
    expect(closed.error).toMatchObject({ selected: 'yaml.v1' });
    expect(server.handshakes()).toHaveLength(1);
  });

  it('each codec can be negotiated and carries a request both ways', async () => {
    const server = await startServer();
    for (const codec of ['json', 'msgpack', 'bson'] as const) {
      const session = openSession({ endpoint: server.endpointUrl, codecs: [codecFactory(codec)] });
      await expect(session.request('ECHO', { codec, nested: [1, 'two', { three: 3 }] })).resolves.toEqual({ codec, nested: [1, 'two', { three: 3 }] });
      expect(session.actor.getSnapshot().context.codec).toBe(codec);
      await session.close();
    }
  });
});
