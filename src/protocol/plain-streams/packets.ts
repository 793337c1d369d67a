import { ProtocolViolationError } from '../../errors.js';
import type { ProtocolRequest } from '../types.js';

/**
 * The method names of a plain-streams server's two lifecycle requests (docs/protocol.md section 9). Servers that
 * spell them differently are served by the `methods` option of {@link plainStreams}.
 *
 * @example
 * ```ts
 * if (packet.method === PLAIN_STREAMS_METHODS.subscribe) subscribe(packet.params);
 * ```
 */
export const PLAIN_STREAMS_METHODS = Object.freeze({
  subscribe: 'SUBSCRIBE',
  unsubscribe: 'UNSUBSCRIBE',
} as const);

/** Method names for the subscribe and unsubscribe requests. */
export interface PlainStreamsMethodNames {
  /** The method of the subscribe request. */
  readonly subscribe: string;
  /** The method of the unsubscribe request. */
  readonly unsubscribe: string;
}

/** A client-to-server packet of the plain-streams dialect: `{method, params?, id}`. */
export interface PlainStreamsRequestPacket {
  /** The method name. */
  readonly method: string;
  /** Stream names for subscribe and unsubscribe, the call's params otherwise; left out when there are none. */
  readonly params?: unknown;
  /** The correlation id the server echoes in its answer. */
  readonly id: number;
}

/**
 * Builds the packet for one request: `{"method": "SUBSCRIBE", "params": ["btcusdt@trade"], "id": 7}`.
 *
 * Only subscribe, unsubscribe and application calls exist in this dialect. The machine never asks
 * for the others (the protocol's features say so); if something does, the error says which step
 * the dialect lacks instead of sending a packet the server would silently ignore.
 *
 * `params` is left out when a call has none, so every codec writes the same structure.
 *
 * @throws ProtocolViolationError for an initialize, authorize or ping request.
 */
export function encodePlainStreamsRequest(id: number, request: ProtocolRequest, methods: PlainStreamsMethodNames = PLAIN_STREAMS_METHODS): PlainStreamsRequestPacket {
  switch (request.kind) {
    case 'subscribe':
      return { method: methods.subscribe, params: request.streams, id };
    case 'unsubscribe':
      return { method: methods.unsubscribe, params: request.streams, id };
    case 'call':
      return request.params === undefined ? { method: request.method, id } : { method: request.method, params: request.params, id };
    case 'initialize':
    case 'authorize':
    case 'ping':
      throw new ProtocolViolationError(`plain streams have no ${request.kind} request`);
  }
}
