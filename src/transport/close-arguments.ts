import { CLOSE_CODES } from '../constants.js';
import { OptionsError } from '../errors.js';

/** Longest close reason RFC 6455 allows: a control frame carries 125 bytes, 2 of them the code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Whether `code` may appear in a close frame at all (RFC 6455 section 7.4): 1000–1003, 1007–1014
 * and 3000–4999. 1004 is reserved and 1005, 1006 and 1015 only ever describe a close locally.
 *
 * Browsers accept fewer from a client (1000 and 3000–4999 only); `openSocket`'s `close` falls
 * back for them, see `SocketConnection.close` in socket.ts.
 */
export function isSendableCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  if (code >= 3000 && code <= 4999) return true;
  return code >= CLOSE_CODES.Normal && code <= CLOSE_CODES.BadGateway && code !== 1004 && code !== CLOSE_CODES.NoStatus && code !== CLOSE_CODES.Abnormal;
}

/**
 * Throws an {@link OptionsError} for a close code that no WebSocket may send.
 *
 * @example `assertSendableCloseCode(1006)` throws; `assertSendableCloseCode(4000)` does not.
 */
export function assertSendableCloseCode(code: number): void {
  if (isSendableCloseCode(code)) return;
  throw new OptionsError(
    `close code ${code} must be 1000-1003, 1007-1014 or 3000-4999`,
  );
}

/**
 * Cuts a close reason to {@link MAX_CLOSE_REASON_BYTES} UTF-8 bytes without splitting a character,
 * because every WebSocket implementation throws on a longer one.
 *
 * @example `truncateCloseReason('é'.repeat(100))` gives 61 characters (122 bytes).
 */
export function truncateCloseReason(reason: string): string {
  // Fast path: a UTF-16 unit encodes to at most 3 bytes.
  if (reason.length * 3 <= MAX_CLOSE_REASON_BYTES) return reason;
  // encodeInto writes whole characters only and reports how many UTF-16 units it consumed.
  const { read } = new TextEncoder().encodeInto(reason, new Uint8Array(MAX_CLOSE_REASON_BYTES));
  return reason.slice(0, read);
}
