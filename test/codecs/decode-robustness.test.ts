import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Codec, DecodeResult, Frame } from '../../src/codecs/index.js';
import { CODEC_NAMES, createCodec } from '../../src/codecs/index.js';
import { DecodeError } from '../../src/errors.js';
import { protocolPacket } from './arbitraries.js';

const KNOWN_PACKET = { stream: 'btcusdt@trade', data: { price: 1.5, size: [1, 2] }, seq: 42 };

/** Decoding must not throw, and a failure must be a DecodeError naming the codec and the frame's type. */
function expectSettled(codec: Codec, frame: Frame): DecodeResult {
  const result = codec.decode(frame);
  if (!result.ok) {
    // A boolean, not toBeInstanceOf: that matcher formats the error (and its cause) on every call.
    expect(result.error instanceof DecodeError).toBe(true);
    expect(result.error.code).toBe('decode');
    expect(result.error.codec).toBe(codec.name);
    expect(result.error.frameType).toBe(typeof frame === 'string' ? 'text' : 'binary');
    expect(result.error.message.length).toBeGreaterThan(0);
  }
  // A failed decode must leave the reused decoder usable.
  deepStrictEqual(codec.decode(codec.encode(KNOWN_PACKET)), { ok: true, value: KNOWN_PACKET });
  return result;
}

/** BSON rejects nearly all random bytes at its length check; give it a matching length and terminator. */
function withBsonEnvelope(body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(body.length + 5);
  new DataView(frame.buffer).setInt32(0, frame.length, true);
  frame.set(body, 4);
  return frame;
}

// Any UTF-16 code unit, lone surrogates included. (fast-check's 'binary' unit costs about a second
// to set up on first use.)
const anyText = fc.string({ unit: fc.nat(0xffff).map((code) => String.fromCharCode(code)), maxLength: 300 });

const mutations = fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 });

describe.each(CODEC_NAMES)('%s codec on hostile input', (name) => {
  const codec = createCodec(name);

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = expectSettled(codec, bytes);
        if (codec.frameType === 'text') expect(result.ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = expectSettled(codec, text);
        if (codec.frameType === 'binary') expect(result.ok).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on corrupted or truncated frames of real packets', () => {
    fc.assert(
      fc.property(protocolPacket(name), mutations, fc.nat(), (packet, changes, cut) => {
        const frame = codec.encode(packet);
        if (typeof frame === 'string') {
          const characters = [...frame];
          for (const { at, byte } of changes) characters[at % characters.length] = String.fromCharCode(byte);
          expectSettled(codec, characters.join('').slice(0, cut % (frame.length + 1)));
        } else {
          const corrupted = frame.slice();
          for (const { at, byte } of changes) corrupted[at % corrupted.length] = byte;
          expectSettled(codec, corrupted);
          expectSettled(codec, frame.subarray(0, cut % (frame.length + 1)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bodies inside a valid BSON envelope', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (body) => {
        expectSettled(codec, withBsonEnvelope(body));
      }),
      { numRuns: 300 },
    );
  });
});
