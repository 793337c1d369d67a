/** Error codes, the ECHO method and small checks the test server's handlers share. */

/**
 * The error codes the test server answers with. 401 and 404 are the protocol's (docs/protocol.md
 * section 4); the negative ones are JSON-RPC's, for requests the protocol leaves open.
 */
export const SERVER_ERROR_CODES = Object.freeze({
  /** Credentials rejected, or a method used before a required AUTHORIZE. */
  unauthorized: 401,
  /** SUBSCRIBE named an unknown or malformed stream. */
  unknownStream: 404,
  /** The packet is not a request: `method` is not a string, or INITIALIZE came twice. */
  invalidRequest: -32600,
  /** No such method. */
  methodNotFound: -32601,
  /** The params do not have the shape the method needs. */
  invalidParams: -32602,
  /** A custom method handler failed with something other than an error object. */
  internalError: -32603,
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
