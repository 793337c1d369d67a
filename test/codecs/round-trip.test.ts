import { deepStrictEqual } from 'node:assert/strict';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODEC_NAMES, createCodec } from '../../src/codecs/index.js';
import { expectedAfterRoundTrip, protocolPacket } from './arbitraries.js';

describe.each(CODEC_NAMES)('%s codec round trip', (name) => {
  it('decodes every protocol packet it encodes to the same packet', () => {
    const codec = createCodec(name);
    fc.assert(
      fc.property(protocolPacket(name), (packet) => {
        const frame = codec.encode(packet);
        expect(typeof frame === 'string' ? 'text' : 'binary').toBe(codec.frameType);
        // node:assert rather than toStrictEqual: vitest's type check reads `.constructor`, which an
        // own `constructor` key of the data shadows; assert compares prototypes and uses Object.is.
        deepStrictEqual(codec.decode(frame), { ok: true, value: expectedAfterRoundTrip(packet, name) });
      }),
      { numRuns: 400 },
    );
  });

  it('keeps earlier encoded frames intact while encoding later ones', () => {
    const codec = createCodec(name);
    fc.assert(
      fc.property(fc.array(protocolPacket(name), { minLength: 2, maxLength: 6 }), (packets) => {
        const frames = packets.map((packet) => codec.encode(packet));
        frames.forEach((frame, index) => {
          deepStrictEqual(codec.decode(frame), { ok: true, value: expectedAfterRoundTrip(packets[index], name) });
        });
      }),
      { numRuns: 100 },
    );
  });
});
