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
    throw new ProtocolViolationError(`The INITIALIZE result must be an object, got ${describe(result)}.`);
  }
  const fields = result as Readonly<Record<string, unknown>>;
  const { sessionId, resumeId, resumed, heartbeatMs, authRequired, connectionLifetimeMs } = fields;
  if (typeof sessionId !== 'string') throw badField('sessionId', 'a string', sessionId);
  if (typeof resumeId !== 'string') throw badField('resumeId', 'a string', resumeId);
  if (typeof resumed !== 'boolean') throw badField('resumed', 'a boolean', resumed);
  if (typeof heartbeatMs !== 'number' || !Number.isSafeInteger(heartbeatMs) || heartbeatMs <= 0) {
    throw badField('heartbeatMs', 'a positive integer (milliseconds)', heartbeatMs);
  }
  if (typeof authRequired !== 'boolean') throw badField('authRequired', 'a boolean', authRequired);
  // Optional and advisory: a value that is no positive integer is ignored rather than failing the session.
  const lifetime = typeof connectionLifetimeMs === 'number' && Number.isSafeInteger(connectionLifetimeMs) && connectionLifetimeMs > 0 ? { connectionLifetimeMs } : {};
  return { sessionId, resumeId, resumed, heartbeatMs, authRequired, ...lifetime };
}

function badField(field: string, expected: string, value: unknown): ProtocolViolationError {
  return new ProtocolViolationError(`The INITIALIZE result field "${field}" must be ${expected}, got ${describe(value)}. The server does not speak the reference protocol v1.`);
}

/** A short description of a bad value for an error message; never the whole value, which may be huge. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return `a value of type ${typeof value}`;
}

/**
 * Which of the requested stream names a failed SUBSCRIBE concerns.
 *
 * The protocol fails the whole request when one name is unknown (404), but only that name's
 * observers should get the error; the others are simply subscribed again. So for a 404:
 * 1. `error.data.streams`, when it is a non-empty array of names that were all requested (the
 *    reference test server sends it: `{code: 404, message: 'unknown stream: x', data: {streams: ['x']}}`);
 * 2. else the requested names that appear in `error.message` (any server that only names them in
 *    text), searched after the first `": "` when there is one, so words of the message itself are
 *    not taken for stream names;
 * 3. else all of them.
 *
 * Any other error code concerns every requested stream.
 */
export function referenceFailedStreams(error: ResponseError, requested: readonly string[]): readonly string[] {
  if (error.code !== REFERENCE_ERROR_CODES.unknownStream || requested.length === 0) return requested;
  const named = streamsInData(error.data, requested) ?? streamsInMessage(error.message, requested);
  return named.length > 0 ? named : requested;
}

function streamsInData(data: unknown, requested: readonly string[]): readonly string[] | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const streams = (data as { streams?: unknown }).streams;
  if (!Array.isArray(streams) || streams.length === 0) return undefined;
  const wanted = new Set(requested);
  for (const name of streams) if (typeof name !== 'string' || !wanted.has(name)) return undefined;
  return [...new Set(streams as string[])];
}

/**
 * Characters that may surround a stream name in prose: a requested name only counts where it stands
 * alone, so `trade` is not found inside `btcusdt@trade`.
 */
const SEPARATORS = ' \t\r\n,;:"\'`()[]{}<>';

function streamsInMessage(message: string, requested: readonly string[]): readonly string[] {
  if (typeof message !== 'string' || message.length === 0) return [];
  const colon = message.indexOf(': ');
  const text = colon === -1 ? message : message.slice(colon + 2);
  const found: string[] = [];
  for (const name of new Set(requested)) {
    if (name.length > 0 && standsAlone(text, name)) found.push(name);
  }
  return found;
}

function standsAlone(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = at === 0 ? ' ' : text.charAt(at - 1);
    if (SEPARATORS.includes(before) && endsWord(text, at + name.length)) return true;
  }
  return false;
}

/** Whether a name ending just before `end` ends a word there; a sentence's closing period counts as a separator. */
function endsWord(text: string, end: number): boolean {
  if (end >= text.length) return true;
  const after = text.charAt(end);
  if (after === '.') return end + 1 >= text.length || SEPARATORS.includes(text.charAt(end + 1));
  return SEPARATORS.includes(after);
}

/** Whether a response error means the credentials were rejected (code 401). */
export function isReferenceUnauthorized(error: ResponseError): boolean {
  return error.code === REFERENCE_ERROR_CODES.unauthorized;
}
