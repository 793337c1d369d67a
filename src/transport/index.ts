/**
 * The transport layer: a WebSocket adapter over any WebSocket-like constructor, the choice of the
 * platform's implementation, and the balancer's HTTP call. Imports neither `ws` nor a Node
 * built-in, so it runs in browsers unchanged.
 *
 * @module
 */
export { openSocket } from './socket.js';
export { resolveWebSocket } from './default-websocket.js';
export { resolveEndpoint } from './balancer.js';
export { BALANCER_PATH } from '../constants.js';
export type { ResolveEndpointOptions, ResolvedEndpoint } from './balancer.js';
export { redactUrl, redactUrlIn } from './redact-url.js';
export { toFrame } from './incoming-frame.js';
export { isSendableCloseCode, assertSendableCloseCode, truncateCloseReason, MAX_CLOSE_REASON_BYTES } from './close-arguments.js';
export type * from './types.js';
