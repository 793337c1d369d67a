/**
 * The Node entry of `wirestate`, chosen by the `node` export condition: the same API as the
 * browser entry, with `ws` as the default WebSocket so that handshake headers (`Resume-Id`) can be
 * sent and response headers read.
 *
 * @packageDocumentation
 */
import WebSocket from 'ws';
import { createSession as createSessionWith, type Session } from './session.js';
import type { SessionOptions } from './session/options.js';
import type { WebSocketConstructor } from './transport/types.js';

export * from './index.js';

/**
 * Creates a session; in Node, `WebSocket` defaults to the `ws` package.
 * {@inheritDoc createSessionWith}
 */
export function createSession(options: SessionOptions): Session {
  return createSessionWith({ WebSocket: WebSocket as unknown as WebSocketConstructor, ...options });
}
