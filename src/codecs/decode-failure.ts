/**
 * The two ways a frame fails to decode, shared by every codec so their errors read alike.
 * Internal to the codecs layer.
 */
import { DecodeError } from '../errors.js';
import type { CodecName, DecodeResult, Frame, FrameType } from './codec.js';

/** Which kind of frame this is: strings arrive in text frames, bytes in binary ones. */
export function frameTypeOf(frame: Frame): FrameType {
  return typeof frame === 'string' ? 'text' : 'binary';
}

/** A frame of the other type than the codec travels in: the server is not speaking the codec it selected. */
export function wrongFrameType(codec: CodecName, expected: FrameType, frame: Frame): DecodeResult {
  const actual = frameTypeOf(frame);
  return {
    ok: false,
    error: new DecodeError(
      codec,
      actual,
      `${expected} frame expected`,
    ),
  };
}

/** A frame of the right type whose content the format's parser rejected. */
export function malformedFrame(codec: CodecName, formatName: string, frame: Frame, cause: unknown): DecodeResult {
  // Parser messages may end in a full stop of their own; the sentence below adds one.
  const reason = (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, '');
  return {
    ok: false,
    error: new DecodeError(
      codec,
      frameTypeOf(frame),
      `invalid ${formatName}: ${reason}`,
      { cause },
    ),
  };
}
