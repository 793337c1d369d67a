/**
 * The protocol layer: what a server's dialect looks like on the wire, as pure data and functions.
 * The reference protocol (PROTOCOL.md) is the default; another {@link Protocol} can be passed
 * beside it.
 *
 * @packageDocumentation
 */
export {
  referenceProtocol,
  REFERENCE_CLOSE_CODES,
  CLOSE_CODE_NAMES,
  REFERENCE_METHODS,
  REFERENCE_ERROR_CODES,
  REFERENCE_PROTOCOL_VERSION,
  BEARER_SUBPROTOCOL_PREFIX,
  type ReferenceProtocolOptions,
  type ReferenceMethod,
  type ReferenceRequestPacket,
} from './reference/index.js';
export type * from './types.js';
