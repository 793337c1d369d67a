import { ProtocolViolationError } from '../../errors.js';
import type { InitializeResult, ResponseError } from '../types.js';
import { REFERENCE_ERROR_CODES } from './packets.js';

/**
 * Validates an INITIALIZE result (docs/protocol.md section 4): `{sessionId: string, resumeId: string,
 * resumed: boolean, heartbeatMs: positive integer, authRequired: boolean}`, and the optional
 * `connectionLifetimeMs` (docs/protocol.md section 6), kept only when it is a positive integer.
 * Fields beyond these are ignored, so a server may add some.
 *
 * @returns a fresh object holding only the known fields.
 * @throws ProtocolViolationError naming the first field that is missing or of the wrong type.
 */
export function parseReferenceInitializeResult(result: unknown): InitializeResult {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    throw new ProtocolViolationError('initialize result must be an object');
  }
  const fields = result as Readonly<Record<string, unknown>>;
  const { sessionId, resumeId, resumed, heartbeatMs, authRequired, connectionLifetimeMs } = fields;
  if (typeof sessionId !== 'string') throw badField('sessionId', 'a string');
  if (typeof resumeId !== 'string') throw badField('resumeId', 'a string');
  if (typeof resumed !== 'boolean') throw badField('resumed', 'a boolean');
  if (typeof heartbeatMs !== 'number' || !Number.isSafeInteger(heartbeatMs) || heartbeatMs <= 0) {
    throw badField('heartbeatMs', 'a positive integer (milliseconds)');
  }
  if (typeof authRequired !== 'boolean') throw badField('authRequired', 'a boolean');
  // Optional and advisory: a value that is no positive integer is ignored rather than failing the session.
  const lifetime = typeof connectionLifetimeMs === 'number' && Number.isSafeInteger(connectionLifetimeMs) && connectionLifetimeMs > 0 ? { connectionLifetimeMs } : {};
  return { sessionId, resumeId, resumed, heartbeatMs, authRequired, ...lifetime };
}

function badField(field: string, expected: string): ProtocolViolationError {
  return new ProtocolViolationError(`initialize result ${field} must be ${expected}`);
}

/**
 * Which of the requested stream names a failed SUBSCRIBE concerns.
 *
 * The protocol fails the whole request when one name is unknown (404), but only that name's
 * observers should get the error; the others are simply subscribed again. So for a 404, the names
 * in `error.data.streams`, when it is a non-empty array of names that were all requested (the
 * reference test server sends it: `{code: 404, message: 'unknown stream: x', data: {streams: ['x']}}`);
 * else all of them. The message is never read: it is the server's prose.
 *
 * Any other error code concerns every requested stream.
 */
export function referenceFailedStreams(error: ResponseError, requested: readonly string[]): readonly string[] {
  if (error.code !== REFERENCE_ERROR_CODES.unknownStream || requested.length === 0) return requested;
  return streamsInData(error.data, requested) ?? requested;
}

function streamsInData(data: unknown, requested: readonly string[]): readonly string[] | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const streams = (data as { streams?: unknown }).streams;
  if (!Array.isArray(streams) || streams.length === 0) return undefined;
  const wanted = new Set(requested);
  for (const name of streams) if (typeof name !== 'string' || !wanted.has(name)) return undefined;
  return [...new Set(streams as string[])];
}

/** Whether a response error means the credentials were rejected (code 401). */
export function isReferenceUnauthorized(error: ResponseError): boolean {
  return error.code === REFERENCE_ERROR_CODES.unauthorized;
}
