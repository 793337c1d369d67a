import { ERROR_CODES } from '../../constants.js';
import type { ProtocolRequest } from '../types.js';

/**
 * The method names of the reference protocol's lifecycle requests (docs/protocol.md section 4).
 *
 * These literals live only under `src/protocol/`: every other layer speaks in protocol-neutral
 * {@link ProtocolRequest}s, and the reference test server imports its names from here so that
 * client and server cannot drift apart.
 *
 * @example
 * ```ts
 * if (packet.method === REFERENCE_METHODS.subscribe) handleSubscribe(packet.params);
 * ```
 */
export const REFERENCE_METHODS = Object.freeze({
  initialize: 'INITIALIZE',
  authorize: 'AUTHORIZE',
  subscribe: 'SUBSCRIBE',
  unsubscribe: 'UNSUBSCRIBE',
  ping: 'PING',
} as const);

/** One of the reference protocol's lifecycle method names. */
export type ReferenceMethod = (typeof REFERENCE_METHODS)[keyof typeof REFERENCE_METHODS];

/**
 * The response error codes the reference protocol gives a meaning to (docs/protocol.md section 4), for
 * the client's checks and the test server's answers (the shared `ERROR_CODES` of src/constants.ts).
 */
export const REFERENCE_ERROR_CODES = ERROR_CODES;

/** A client-to-server packet of the reference protocol: `{id, method, params?}`. */
export interface ReferenceRequestPacket {
  readonly id: number;
  readonly method: string;
  readonly params?: unknown;
}

/**
 * Builds the packet for one request (docs/protocol.md sections 3 and 4).
 *
 * `params` is left out, not set to `undefined`, where a request has none: codecs differ in how they
 * write `undefined` (BSON drops it, MessagePack writes nil), and the packet must be the same
 * structure in every codec.
 *
 * @param clientName - When given, replaces the `client` of an initialize request.
 */
export function encodeReferenceRequest(id: number, request: ProtocolRequest, clientName?: string): ReferenceRequestPacket {
  switch (request.kind) {
    case 'initialize': {
      const client = clientName ?? request.client;
      const params = request.lastSeq === undefined ? { client } : { client, lastSeq: request.lastSeq };
      return { id, method: REFERENCE_METHODS.initialize, params };
    }
    case 'authorize':
      // Each credential form is already the exact params object the protocol defines.
      return { id, method: REFERENCE_METHODS.authorize, params: request.credentials };
    case 'subscribe':
      return { id, method: REFERENCE_METHODS.subscribe, params: request.streams };
    case 'unsubscribe':
      return { id, method: REFERENCE_METHODS.unsubscribe, params: request.streams };
    case 'ping':
      return { id, method: REFERENCE_METHODS.ping };
    case 'call':
      return request.params === undefined ? { id, method: request.method } : { id, method: request.method, params: request.params };
  }
}
