import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { assertSendableCloseCode, isSendableCloseCode, MAX_CLOSE_REASON_BYTES, truncateCloseReason } from '../../src/transport/close-arguments.js';

const utf8Length = (text: string) => new TextEncoder().encode(text).byteLength;

describe('close codes', () => {
  it.each([1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4000, 4999])('%i may be sent', (code) => {
    expect(isSendableCloseCode(code)).toBe(true);
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 2000, 2999, 5000, 1000.5])('%d may not', (code) => {
    expect(isSendableCloseCode(code)).toBe(false);
    expect(() => assertSendableCloseCode(code)).toThrow(OptionsError);
  });
});

describe('truncateCloseReason', () => {
  it('keeps short reasons', () => {
    expect(truncateCloseReason('client closed')).toBe('client closed');
  });

  it('cuts to at most 123 UTF-8 bytes, a prefix, never splitting a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (reason) => {
        const cut = truncateCloseReason(reason);
        expect(utf8Length(cut)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
        expect(reason.startsWith(cut)).toBe(true);
        if (utf8Length(reason) <= MAX_CLOSE_REASON_BYTES) expect(cut).toBe(reason);
        // Whole code points only: the cut never ends in a lone high surrogate.
        expect(/[\uD800-\uDBFF]$/.test(cut)).toBe(false);
      }),
    );
    expect(truncateCloseReason('é'.repeat(100))).toHaveLength(61);
  });
});
