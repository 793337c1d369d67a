/**
 * The Node entry of `wirestate`, chosen by the `node` export condition: the same API as the
 * browser entry, with `ws` as the default WebSocket so that handshake headers (`Resume-Id`) can be
 * sent and response headers read, and the extensions that use what `ws` offers beyond the
 * WebSocket API (src/node-platform.ts: response headers, ping frames, fragmented sends), which the
 * browser entry does not carry.
 *
 * @packageDocumentation
 */
import { NODE_PLATFORM } from './node-platform.js';
import { createSessionOn, type Session } from './session.js';
import type { SessionOptions } from './session/options.js';

export * from './index.js';

/**
 * Creates a session. It connects on first use (or on `start()` with `lazy: false`), resolves an
 * endpoint through the balancer, negotiates a codec, initializes and authorizes, then serves
 * streams and requests, resuming across drops as the close-code policy says. In Node, `WebSocket`
 * defaults to the `ws` package, which can send the `Resume-Id` handshake header and read the
 * response headers.
 *
 * @example
 * ```ts
 * const session = createSession({ balancer: 'https://api.example.com', auth: { token: () => getToken() } });
 * session.stream<Trade>('btcusdt@trade').subscribe((trade) => render(trade));
 * const echoed = await session.request('ECHO', { hello: 1 });
 * await session.close();
 * ```
 */
export function createSession(options: SessionOptions): Session {
  return createSessionOn(NODE_PLATFORM, options);
}
