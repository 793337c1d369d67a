/**
 * What `ws` shows of the handshake response, which browsers hide: the subprotocol it selected, the
 * `Resume-Id` and `Connection-Id` headers, and the HTTP status of a refused upgrade. Detected by
 * the socket's EventEmitter-style `on`, never by importing `ws`.
 */
import { definedOnly } from '../defined-only.js';
import type { SocketOpenInfo, WebSocketLike } from './types.js';

/** What {@link listenForHandshakeResponse} reports. */
export interface HandshakeResponseHandlers {
  /** The 101 response, before `ws` checks it. */
  onUpgrade(response: unknown): void;
  /** Any other response: the server refused the upgrade with this HTTP status. */
  onRefused(status: number): void;
}

/**
 * Subscribes to `ws`'s 'upgrade' event (the 101 response, emitted before ws checks it) and its
 * 'unexpected-response' event (any other status), when the socket has an EventEmitter-style `on`.
 * Returns how to unsubscribe, or undefined when the implementation cannot show the response
 * (browsers).
 */
export function listenForHandshakeResponse(socket: WebSocketLike, handlers: HandshakeResponseHandlers): (() => void) | undefined {
  const emitter = socket as unknown as { on?: unknown; off?: unknown; removeListener?: unknown };
  if (typeof emitter.on !== 'function') return undefined;
  const onUpgrade = (response: unknown) => handlers.onUpgrade(response);
  const onUnexpectedResponse = (_request: unknown, response: unknown) => {
    const status = (response as { statusCode?: unknown } | null)?.statusCode;
    handlers.onRefused(typeof status === 'number' ? status : 0);
  };
  try {
    emitter.on.call(socket, 'upgrade', onUpgrade);
    emitter.on.call(socket, 'unexpected-response', onUnexpectedResponse);
  } catch {
    // An `on` that is not an EventEmitter's: the response is simply not available.
    return undefined;
  }
  return () => {
    const off = typeof emitter.off === 'function' ? emitter.off : emitter.removeListener;
    if (typeof off !== 'function') return;
    off.call(socket, 'upgrade', onUpgrade);
    off.call(socket, 'unexpected-response', onUnexpectedResponse);
  };
}

/**
 * Checks the subprotocol a 101 response selected against what was offered. `ws` aborts a handshake
 * whose server selected none although some were offered; docs/protocol.md section 2 (and every browser)
 * accepts it as JSON. So for that case the response is given the first offered name, which ws then
 * accepts, and the caller reports '' as the selected subprotocol.
 */
export function acceptableSubprotocol(response: unknown, offered: readonly string[]): 'offered' | 'none' | { readonly unoffered: string } {
  const headers = (response as { headers?: Record<string, unknown> } | null)?.headers;
  if (typeof headers !== 'object' || headers === null) return 'offered';
  const selected = headers['sec-websocket-protocol'];
  if (selected === undefined || selected === '') {
    if (offered.length === 0) return 'offered';
    headers['sec-websocket-protocol'] = offered[0];
    return 'none';
  }
  return typeof selected === 'string' && offered.includes(selected) ? 'offered' : { unoffered: String(selected) };
}

export function readHandshakeHeaders(response: unknown): Omit<SocketOpenInfo, 'protocol'> {
  const headers = (response as { headers?: Record<string, unknown> } | null)?.headers;
  if (typeof headers !== 'object' || headers === null) return {};
  const resumeId = firstHeaderValue(headers['resume-id']);
  // Seed 004's API gateway names its connection id in a header of its own.
  const connectionId = firstHeaderValue(headers['connection-id']) ?? firstHeaderValue(headers['x-yc-apigateway-websocket-connection-id']);
  return definedOnly({ resumeId, connectionId });
}

function firstHeaderValue(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}
