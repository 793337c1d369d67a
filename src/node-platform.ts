/**
 * What the Node entry gives every session: `ws` as the default WebSocket, and the extensions that
 * use what `ws` offers beyond the WebSocket API (also for a `ws`-like constructor passed as
 * `options.WebSocket`). Internal; the browser entry never imports it.
 */
import WebSocket from 'ws';
import type { SessionPlatform } from './session.js';
import type { WebSocketConstructor } from './transport/types.js';
import { wsExtensions } from './transport/ws-extensions.js';

/** The Node entry's {@link SessionPlatform}. */
export const NODE_PLATFORM: SessionPlatform = { WebSocket: WebSocket as unknown as WebSocketConstructor, socketExtensions: wsExtensions };
