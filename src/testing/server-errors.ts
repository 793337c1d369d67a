/**
 * Error and close codes, the ECHO method and small checks the test server's handlers share. The
 * codes themselves are the client's (src/constants.ts): this file only says which the server uses.
 */
import { CLOSE_CODES, ERROR_CODES } from '../constants.js';

/**
 * The error codes the test server answers with: the protocol's `ERROR_CODES` (401 and 404 from
 * docs/protocol.md section 4, JSON-RPC's negative ones for requests the protocol leaves open).
 */
export const SERVER_ERROR_CODES = ERROR_CODES;

/** Close codes the server uses, named by why it uses them. */
export const SERVER_CLOSE_CODES = Object.freeze({
  /** Idle timeout, maximum lifetime, or the server closing. */
  goingAway: CLOSE_CODES.GoingAway,
  /** A frame that does not decode, or the wrong frame type for the codec. */
  invalidData: CLOSE_CODES.DataInvalid,
  /** A missed pong. */
  policyViolation: CLOSE_CODES.ViolatesPolicy,
  /** `faults.restart()`: every session is forgotten. */
  serverRestart: CLOSE_CODES.ServerRestart,
  /** A client that does not read its output (`maxBufferedBytes`). */
  tryAgainLater: CLOSE_CODES.TryAgainLater,
  /** The session was resumed on another connection. */
  sessionTakenOver: CLOSE_CODES.Session,
  /** Rejected credentials. */
  unauthorized: CLOSE_CODES.Unauthorized,
  /** A packet other than INITIALIZE came first. */
  notInitialized: CLOSE_CODES.NotInitialized,
  /** No INITIALIZE within `initTimeoutMs`. */
  initTimeout: CLOSE_CODES.InitTimeout,
} as const);

/** The test server's own application method: answers with its params (`null` when there are none). */
export const ECHO_METHOD = 'ECHO';

/**
 * An error a custom method handler can throw to answer with that error object.
 *
 * @example
 * ```ts
 * createTestServer({ methods: { ORDER: () => { throw new MethodError(409, 'duplicate order', { orderId: 7 }); } } });
 * ```
 */
export class MethodError extends Error {
  /** The error code of the answer. */
  readonly code: number;
  /** The error's `data`, when given. */
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'MethodError';
    this.code = code;
    this.data = data;
  }
}

/** A non-null, non-array object: the only thing a packet or a params object may be. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
