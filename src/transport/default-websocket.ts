import { OptionsError } from '../errors.js';
import type { WebSocketConstructor } from './types.js';

/**
 * Picks the WebSocket implementation a session uses: the constructor passed as
 * `options.WebSocket` when there is one, else the platform's `globalThis.WebSocket` (browsers,
 * Deno, Bun, Node 22+). This module never imports `ws`: in Node, importing from `'wirestate'`
 * resolves to the Node entry, which passes `ws` (the only Node implementation that sends handshake
 * headers and reads the `Resume-Id` response header).
 *
 * @param user - `options.WebSocket`, if given.
 * @throws {@link OptionsError} when `user` is not a constructor, or when there is none and the
 * platform has no global `WebSocket` (Node 20 without the Node entry).
 *
 * @example
 * ```ts
 * const WebSocket = resolveWebSocket(options.WebSocket); // the user's, or globalThis.WebSocket
 * ```
 */
export function resolveWebSocket(user?: WebSocketConstructor): WebSocketConstructor {
  if (user !== undefined) {
    if (typeof user !== 'function') {
      throw new OptionsError('WebSocket must be a WebSocket constructor');
    }
    return user;
  }
  const platform: unknown = (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof platform === 'function') return platform as WebSocketConstructor;
  throw new OptionsError('WebSocket is required on this platform');
}
