import type { Frame } from '../../codecs/codec.js';
import { InboundOversizeError } from '../../errors.js';
import { utf8ByteCount } from '../../transport/frame-size.js';

/**
 * UTF-8 byte length of a string, stopping early once it exceeds `limit` (only the comparison with
 * the limit matters). Short strings are answered without a scan: each UTF-16 unit is at most three
 * UTF-8 bytes.
 */
export function utf8ByteLength(text: string, limit: number): number {
  return text.length * 3 <= limit ? text.length : utf8ByteCount(text, limit);
}

/** The error code `ws` gives a frame over its `maxPayload`, before reading the payload. */
const WS_PAYLOAD_TOO_LARGE = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/**
 * An {@link InboundOversizeError} for a frame over `limit` bytes, else undefined. The browser
 * check: a browser cannot refuse a frame, so an oversized one is dropped here before decoding.
 * Costs one compare for a frame well under the limit.
 */
export function oversizeFrame(frame: Frame, limit: number | undefined): InboundOversizeError | undefined {
  if (limit === undefined) return undefined;
  if (typeof frame !== 'string') return frame.byteLength > limit ? new InboundOversizeError(limit, frame.byteLength) : undefined;
  // The count stops early past the limit; only an oversized frame (rare) is counted again in full for the report,
  // by the same scan rather than by encoding it: a hostile frame of hundreds of MiB must not cost as much again.
  return utf8ByteLength(frame, limit) > limit ? new InboundOversizeError(limit, utf8ByteCount(frame)) : undefined;
}

/**
 * An {@link InboundOversizeError} when a transport error is `ws` refusing a frame over its
 * `maxPayload` (the transport wraps ws's error as the `cause`), else undefined.
 */
export function refusedAsOversize(error: Error, limit: number | undefined): InboundOversizeError | undefined {
  if (limit === undefined) return undefined;
  const cause: unknown = error.cause ?? error;
  return (cause as { code?: unknown } | null)?.code === WS_PAYLOAD_TOO_LARGE ? new InboundOversizeError(limit) : undefined;
}
