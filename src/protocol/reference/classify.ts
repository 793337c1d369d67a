import type { IncomingPacket, ResponseError } from '../types.js';

/**
 * Classifies one decoded server packet (docs/protocol.md section 3). Never throws, whatever it is given.
 *
 * This runs for every incoming message, so it checks the most common kind (a stream message) first
 * and allocates nothing but the returned object; the `error` of an error response is the server's
 * own object, not a copy.
 *
 * Decisions where the protocol is silent:
 * - A stream message without `seq` (or with `seq: null`) is still a stream message, with `seq`
 *   undefined: a server that does not number its messages can still deliver them. A `seq` that is
 *   present but not a non-negative integer is a server bug that would corrupt resume (`lastSeq`,
 *   0 when nothing was received), so that packet is `unknown` and reported rather than delivered
 *   with a guessed position.
 * - `result` may be `null` (SUBSCRIBE answers `null`); what marks a result is the `result` key.
 * - An error response with `result: null` beside it (a JSON-RPC 1.0 habit) is an error response.
 * - A packet with a `stream` string is a stream message even if it has other fields too.
 *
 * @example
 * ```ts
 * classifyReferencePacket({ stream: 'btcusdt@trade', data: { p: 1 }, seq: 7 });
 * // { kind: 'stream', stream: 'btcusdt@trade', data: { p: 1 }, seq: 7 }
 * ```
 */
export function classifyReferencePacket(packet: unknown): IncomingPacket {
  if (typeof packet !== 'object' || packet === null) {
    return { kind: 'unknown', packet, reason: `the packet is ${packet === null ? 'null' : `a ${typeof packet}`}, not an object` };
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
  if (typeof stream === 'string') {
    const seq = packet.seq;
    if (seq === undefined || seq === null) return { kind: 'stream', stream, data: packet.data };
    if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) return { kind: 'stream', stream, data: packet.data, seq };
    return { kind: 'unknown', packet, reason: 'stream message: "seq" must be a non-negative integer' };
  }

  const id = packet.id;
  if (id !== undefined) return classifyResponse(packet, id);

  const event = packet.event;
  if (typeof event === 'string') return { kind: 'event', event, data: packet.data };

  return { kind: 'unknown', packet, reason: whyNotAPacket(packet) };
}

function classifyResponse(packet: Readonly<Record<string, unknown>>, id: unknown): IncomingPacket {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    return { kind: 'unknown', packet, reason: 'response: "id" must be a positive integer' };
  }
  const error = packet.error;
  if (error !== undefined && error !== null) {
    const result = packet.result;
    if (result !== undefined && result !== null) return { kind: 'unknown', packet, reason: 'response: has both "result" and "error"' };
    const problem = errorObjectProblem(error);
    if (problem !== undefined) return { kind: 'unknown', packet, reason: problem };
    return { kind: 'error', id, error: error as ResponseError };
  }
  if ('result' in packet) return { kind: 'result', id, result: packet.result };
  return { kind: 'unknown', packet, reason: 'response: has neither "result" nor "error"' };
}

function errorObjectProblem(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return 'error response: "error" must be an object';
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'number' || !Number.isSafeInteger(code)) return 'error response: "error.code" must be an integer';
  if (typeof message !== 'string') return 'error response: "error.message" must be a string';
  return undefined;
}

function whyNotAPacket(packet: Readonly<Record<string, unknown>>): string {
  if (Array.isArray(packet)) return 'the packet is an array, not an object';
  if (packet.stream !== undefined) return '"stream" must be a string';
  if (packet.event !== undefined) return '"event" must be a string';
  return 'not a response, stream message or event: it has no "id", "stream" or "event" field';
}
