/**
 * The protocol layer: what a server's dialect looks like on the wire, as pure data and functions.
 * The reference protocol (docs/protocol.md) is the default; {@link plainStreams} serves plain market-data (docs/protocol.md section 9)
 * market-data servers, and any other {@link Protocol} can be passed beside them.
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
export {
  plainStreams,
  PLAIN_STREAMS_CLOSE_CODES,
  PLAIN_STREAMS_HEARTBEAT_MS,
  PLAIN_STREAMS_METHODS,
  type PlainStreamsOptions,
  type PlainStreamsMethodNames,
  type PlainStreamsRequestPacket,
} from './plain-streams/index.js';
export { CLOSE_CODES, ERROR_CODES, type CloseCodeName } from '../constants.js';
export type * from './types.js';
