import { OptionsError } from '../../errors.js';
import type { Protocol } from '../types.js';
import { classifyReferencePacket } from './classify.js';
import { REFERENCE_CLOSE_CODES } from './close-codes.js';
import { referenceHandshake } from './handshake.js';
import { encodeReferenceRequest, REFERENCE_METHODS } from './packets.js';
import { isReferenceUnauthorized, parseReferenceInitializeResult, referenceFailedStreams } from './results.js';

/** Every lifecycle method: the session sends them itself, so `request()` refuses them. */
const RESERVED_METHODS: readonly string[] = Object.freeze(Object.values(REFERENCE_METHODS));

/** Options of {@link referenceProtocol}. */
export interface ReferenceProtocolOptions {
  /**
   * The `client` sent in INITIALIZE (`name/version`), replacing the one the session passes. Servers
   * log it; set it to identify your application (`my-bot/1.2.0`).
   * @default the session's own client name
   */
  readonly clientName?: string;
  /**
   * The `version` query parameter of every connection. Servers that version their protocol this way
   * (servers that speak `?version=2.0`, for example) get the version named here.
   * @default '1' (`REFERENCE_PROTOCOL_VERSION`)
   */
  readonly version?: string;
}

/**
 * The reference session protocol of docs/protocol.md: INITIALIZE, AUTHORIZE, resume with Resume-Id and
 * `lastSeq`, session-wide `seq`, PING, and the close-code table of section 8. It is the protocol
 * a session speaks unless it is given another.
 *
 * @example
 * ```ts
 * const protocol = referenceProtocol({ clientName: 'price-board/2.1.0' });
 * protocol.classify({ event: 'maintenance', data: { at: 1700000000000 } }); // { kind: 'event', … }
 * ```
 */
export function referenceProtocol(options: ReferenceProtocolOptions = {}): Protocol {
  const { clientName, version } = options;
  if (version !== undefined && (typeof version !== 'string' || version === '')) throw new OptionsError('referenceProtocol version must be a non-empty string');
  return {
    name: 'reference',
    features: Object.freeze({ initialize: true, authorize: true, resume: true, seq: true, ping: true }),
    closeCodes: REFERENCE_CLOSE_CODES,
    handshake: version === undefined ? referenceHandshake : (context) => referenceHandshake(context, version),
    encodeRequest: (id, request) => encodeReferenceRequest(id, request, clientName),
    classify: classifyReferencePacket,
    parseInitializeResult: parseReferenceInitializeResult,
    failedStreams: referenceFailedStreams,
    isUnauthorized: isReferenceUnauthorized,
    reservedMethods: RESERVED_METHODS,
  };
}

export { REFERENCE_CLOSE_CODES, CLOSE_CODE_NAMES } from './close-codes.js';
export { REFERENCE_METHODS, REFERENCE_ERROR_CODES, encodeReferenceRequest, type ReferenceMethod, type ReferenceRequestPacket } from './packets.js';
export { referenceHandshake } from './handshake.js';
export { REFERENCE_PROTOCOL_VERSION, BEARER_SUBPROTOCOL_PREFIX } from '../../constants.js';
export { classifyReferencePacket } from './classify.js';
export { parseReferenceInitializeResult, referenceFailedStreams, isReferenceUnauthorized } from './results.js';
