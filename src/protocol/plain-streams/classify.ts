import type { IncomingPacket, ResponseError } from '../types.js';

/**
 * Classifies one decoded packet of a plain-streams server. Never throws.
 *
 * The dialect (docs/protocol.md section 9) defines only `{stream, data}` pushes and `{id, result}` answers; the rest
 * is a lenient reading of what such servers send in practice:
 * - `{stream: string, data}` is a stream message. A `seq` field, if a server adds one, is ignored:
 *   this dialect does not number messages, and a half-trusted number must not drive duplicate
 *   dropping.
 * - `{id, result}` is a result (`result: null` included: subscribe answers `null`).
 * - `{id, error}` is an error. `error` may be the reference shape `{code, message}`, the common
 *   `{code, msg}` variant, or a bare string; the code defaults to 0 when the server gives none.
 * - `{event: string, data?}` is an event, so a server that adds notices can still be heard.
 * - Anything else is `unknown` (reported on `errors$`, never fatal). A request the server ignores
 *   is not a packet at all: its request times out instead.
 *
 * Ids are whatever integers the server echoes; the client only sends positive ones.
 *
 * @example
 * ```ts
 * classifyPlainStreamsPacket({ stream: 'btcusdt@trade', data: { p: '1.0' } });
 * // { kind: 'stream', stream: 'btcusdt@trade', data: { p: '1.0' } }
 * classifyPlainStreamsPacket({ id: 3, result: null }); // { kind: 'result', id: 3, result: null }
 * ```
 */
export function classifyPlainStreamsPacket(packet: unknown): IncomingPacket {
  if (typeof packet !== 'object' || packet === null || Array.isArray(packet)) {
    return { kind: 'unknown', packet, reason: `the packet is ${describeNonObject(packet)}, not an object` };
  }
  try {
    return classifyObject(packet as Readonly<Record<string, unknown>>);
  } catch {
    // Only exotic inputs get here (a Proxy or a getter that throws); decoded frames never do.
    return { kind: 'unknown', packet, reason: 'reading the packet threw' };
  }
}

function classifyObject(packet: Readonly<Record<string, unknown>>): IncomingPacket {
  const stream = packet.stream;
  if (typeof stream === 'string') return { kind: 'stream', stream, data: packet.data };

  const id = packet.id;
  if (id !== undefined && id !== null) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { kind: 'unknown', packet, reason: 'response: "id" must be an integer' };
    const error = packet.error;
    if (error !== undefined && error !== null) {
      const normalized = normalizeError(error);
      return normalized === undefined ? { kind: 'unknown', packet, reason: 'error response: "error" must be an object or a string' } : { kind: 'error', id, error: normalized };
    }
    if ('result' in packet) return { kind: 'result', id, result: packet.result };
    return { kind: 'unknown', packet, reason: 'response: has neither "result" nor "error"' };
  }

  const event = packet.event;
  if (typeof event === 'string') return packet.data === undefined ? { kind: 'event', event } : { kind: 'event', event, data: packet.data };

  return { kind: 'unknown', packet, reason: stream !== undefined ? '"stream" must be a string' : 'not a response or stream message: it has no "id" or "stream" field' };
}

/** The error object in the shape the library uses, or undefined when nothing usable is there. */
function normalizeError(error: unknown): ResponseError | undefined {
  if (typeof error === 'string') return { code: 0, message: error };
  if (typeof error !== 'object' || Array.isArray(error)) return undefined;
  const fields = error as { code?: unknown; message?: unknown; msg?: unknown; data?: unknown };
  const code = typeof fields.code === 'number' && Number.isSafeInteger(fields.code) ? fields.code : 0;
  const text = typeof fields.message === 'string' ? fields.message : typeof fields.msg === 'string' ? fields.msg : 'the server answered with an error';
  return fields.data === undefined ? { code, message: text } : { code, message: text, data: fields.data };
}

function describeNonObject(packet: unknown): string {
  if (packet === null) return 'null';
  if (Array.isArray(packet)) return 'an array';
  return `a ${typeof packet}`;
}
