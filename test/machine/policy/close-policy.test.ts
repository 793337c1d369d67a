import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../../src/errors.js';
import { CLOSE_REACTIONS, closeReactionFor, decideClose, validateCloseCodeOverrides, type CloseContext } from '../../../src/machine/close-policy.js';
import { REFERENCE_CLOSE_CODES } from '../../../src/protocol/index.js';
import type { CloseReaction } from '../../../src/protocol/index.js';

const table = REFERENCE_CLOSE_CODES;

/** PROTOCOL.md section 8, row by row, as the expected reaction to a close the client did not ask for. */
const SECTION_8: ReadonlyArray<readonly [code: number, reaction: CloseReaction]> = [
  [1000, 'resume'],
  [1001, 'resume'],
  [1002, 'fatal'],
  [1003, 'fatal'],
  [1005, 'resume-after-backoff'],
  [1006, 'resume-after-backoff'],
  [1007, 'fatal'],
  [1008, 'fatal'],
  [1009, 'resume-after-backoff'],
  [1011, 'resume-after-backoff'],
  [1012, 'new-session'],
  [1013, 'resume-after-long-backoff'],
  [1015, 'fatal'],
  [4000, 'fatal'],
  [4001, 'retry-with-new-token'],
  [4002, 'fatal'],
  [4202, 'reconnect-after-backoff'],
  // other 1xxx and 3xxx: resume after backoff
  [1004, 'resume-after-backoff'],
  [1010, 'resume-after-backoff'],
  [1014, 'resume-after-backoff'],
  [1999, 'resume-after-backoff'],
  [3000, 'resume-after-backoff'],
  [3999, 'resume-after-backoff'],
  // other 4xxx: fatal
  [4003, 'fatal'],
  [4201, 'fatal'],
  [4999, 'fatal'],
  // outside every range: the fallback
  [2000, 'resume-after-backoff'],
  [999, 'resume-after-backoff'],
  [5000, 'resume-after-backoff'],
];

/** The decision for a first drop of a resumable, healthy session. */
const EXPECTED_FIRST_DECISION: Record<CloseReaction, ReturnType<typeof decideClose>['kind']> = {
  resume: 'resume',
  'resume-after-backoff': 'resume',
  'resume-after-long-backoff': 'resume',
  'new-session': 'new-session',
  'reconnect-after-backoff': 'new-session',
  'retry-with-new-token': 'fatal',
  fatal: 'fatal',
};

function context(overrides: Partial<CloseContext> = {}): CloseContext {
  return {
    code: 1006,
    table,
    clientRequested: false,
    canResume: true,
    hasTokenProvider: false,
    tokenRetryUsed: false,
    attempt: 0,
    maxAttempts: Infinity,
    opened: true,
    ...overrides,
  };
}

describe('closeReactionFor', () => {
  it.each(SECTION_8)('code %i -> %s', (code, reaction) => {
    expect(closeReactionFor(code, table)).toBe(reaction);
    expect(decideClose(context({ code })).kind).toBe(EXPECTED_FIRST_DECISION[reaction]);
  });

  it('gives the documented delays for the first drop', () => {
    expect(decideClose(context({ code: 1001 }))).toEqual({ kind: 'resume', delay: 'none' });
    expect(decideClose(context({ code: 1000 }))).toEqual({ kind: 'resume', delay: 'none' });
    expect(decideClose(context({ code: 1006 }))).toEqual({ kind: 'resume', delay: 'backoff' });
    expect(decideClose(context({ code: 1013 }))).toEqual({ kind: 'resume', delay: 'long-backoff' });
    expect(decideClose(context({ code: 1012 }))).toEqual({ kind: 'new-session', delay: 'none' });
    expect(decideClose(context({ code: 4202 }))).toEqual({ kind: 'new-session', delay: 'backoff' });
  });

  it('lets an override win over the table, for exact codes and range members', () => {
    expect(closeReactionFor(1008, table, { 1008: 'resume' })).toBe('resume');
    expect(closeReactionFor(4999, table, { 4999: 'reconnect-after-backoff' })).toBe('reconnect-after-backoff');
    expect(closeReactionFor(1000, table, { 1000: 'fatal' })).toBe('fatal');
    expect(closeReactionFor(1001, table, { 1008: 'resume' })).toBe('resume');
    expect(closeReactionFor(1002, table, { 1008: 'resume' })).toBe('fatal');
  });

  it('property: an override always wins for a close the client did not ask for', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 4999 }), fc.constantFrom(...CLOSE_REACTIONS), (code, reaction) => {
        expect(closeReactionFor(code, table, { [code]: reaction })).toBe(reaction);
      }),
    );
  });

  it('property: a client-requested close is closed, whatever the code and overrides', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6000 }), fc.constantFrom(...CLOSE_REACTIONS), (code, reaction) => {
        expect(closeReactionFor(code, table, { [code]: reaction }, true)).toBe('closed');
        expect(decideClose(context({ code, overrides: { [code]: reaction }, clientRequested: true }))).toEqual({ kind: 'closed' });
      }),
    );
  });
});

describe('decideClose', () => {
  const arbitraryContext = fc.record({
    code: fc.integer({ min: 1000, max: 4999 }),
    canResume: fc.boolean(),
    hasTokenProvider: fc.boolean(),
    tokenRetryUsed: fc.boolean(),
    attempt: fc.nat({ max: 1000 }),
    maxAttempts: fc.oneof(fc.constant(Infinity), fc.nat({ max: 1000 })),
    opened: fc.boolean(),
  });

  it('property: fatal reactions never reconnect, at any attempt', () => {
    const fatalCodes = SECTION_8.filter(([, reaction]) => reaction === 'fatal').map(([code]) => code);
    fc.assert(
      fc.property(arbitraryContext, fc.constantFrom(...fatalCodes), (random, code) => {
        expect(decideClose(context({ ...random, code })).kind).toBe('fatal');
      }),
    );
  });

  it('property: with attempt >= maxAttempts nothing reconnects', () => {
    fc.assert(
      fc.property(arbitraryContext, (random) => {
        const decision = decideClose(context({ ...random, maxAttempts: Math.min(random.maxAttempts, random.attempt) }));
        expect(decision.kind).toBe('fatal');
        if (decision.kind === 'fatal' && closeReactionFor(random.code, table) !== 'fatal' && closeReactionFor(random.code, table) !== 'retry-with-new-token') {
          expect(decision.reason).toMatch(/gave up after \d+ reconnect attempt/);
        }
      }),
    );
  });

  it('gives up with maxAttempts 0 at the very first drop', () => {
    expect(decideClose(context({ code: 1006, maxAttempts: 0 }))).toEqual({ kind: 'fatal', reason: expect.stringContaining('gave up after 0'), gaveUp: true });
  });

  it('retries 4001 once, at once, with a fresh token when a token provider exists', () => {
    expect(decideClose(context({ code: 4001, hasTokenProvider: true }))).toEqual({ kind: 'new-session', delay: 'none', freshToken: true });
  });

  it('makes 4001 fatal without a token provider or after the retry was used', () => {
    expect(decideClose(context({ code: 4001 }))).toMatchObject({ kind: 'fatal', reason: expect.stringContaining('no token provider') });
    expect(decideClose(context({ code: 4001, hasTokenProvider: true, tokenRetryUsed: true }))).toMatchObject({ kind: 'fatal', reason: expect.stringContaining('again') });
  });

  it('backs off the 4001 retry too when reconnects are already failing in a row', () => {
    expect(decideClose(context({ code: 4001, hasTokenProvider: true, attempt: 2 }))).toEqual({ kind: 'new-session', delay: 'backoff', freshToken: true });
  });

  it('turns a resume into a new session with the same delay when it cannot resume', () => {
    expect(decideClose(context({ code: 1001, canResume: false }))).toEqual({ kind: 'new-session', delay: 'none' });
    expect(decideClose(context({ code: 1006, canResume: false }))).toEqual({ kind: 'new-session', delay: 'backoff' });
    expect(decideClose(context({ code: 1013, canResume: false }))).toEqual({ kind: 'new-session', delay: 'long-backoff' });
  });

  it('turns a resume into a new session when the socket never opened (the endpoint refused)', () => {
    expect(decideClose(context({ code: 1006, opened: false, attempt: 1 }))).toEqual({ kind: 'new-session', delay: 'backoff' });
  });

  it('backs off an "at once" reconnect when the previous one also failed', () => {
    expect(decideClose(context({ code: 1001, attempt: 1 }))).toEqual({ kind: 'resume', delay: 'backoff' });
    expect(decideClose(context({ code: 1012, attempt: 3 }))).toEqual({ kind: 'new-session', delay: 'backoff' });
    expect(decideClose(context({ code: 1013, attempt: 3 }))).toEqual({ kind: 'resume', delay: 'long-backoff' });
  });

  it('property: the decision is total and consistent with the table', () => {
    fc.assert(
      fc.property(arbitraryContext, fc.option(fc.constantFrom(...CLOSE_REACTIONS), { nil: undefined }), (random, override) => {
        const overrides = override === undefined ? undefined : { [random.code]: override };
        const input = context({ ...random, overrides });
        const reaction = closeReactionFor(random.code, table, overrides);
        const decision = decideClose(input);
        const exhausted = random.attempt >= random.maxAttempts;

        switch (reaction) {
          case 'fatal':
            expect(decision.kind).toBe('fatal');
            break;
          case 'retry-with-new-token':
            if (!random.hasTokenProvider || random.tokenRetryUsed || exhausted) expect(decision.kind).toBe('fatal');
            else expect(decision).toEqual({ kind: 'new-session', delay: random.attempt > 0 ? 'backoff' : 'none', freshToken: true });
            break;
          default: {
            if (exhausted) {
              expect(decision.kind).toBe('fatal');
              break;
            }
            const resumes = reaction.startsWith('resume');
            const kind = resumes && random.canResume && random.opened ? 'resume' : 'new-session';
            const delay = reaction === 'resume-after-long-backoff' ? 'long-backoff' : reaction === 'resume' || reaction === 'new-session' ? 'none' : 'backoff';
            expect(decision).toEqual({ kind, delay: delay === 'none' && random.attempt > 0 ? 'backoff' : delay });
          }
        }
        if (decision.kind === 'resume') expect(random.canResume && random.opened).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('validateCloseCodeOverrides', () => {
  it('accepts valid overrides and returns a frozen copy', () => {
    const input = { 1008: 'resume', 4999: 'fatal' };
    const result = validateCloseCodeOverrides(input);
    expect(result).toEqual({ 1008: 'resume', 4999: 'fatal' });
    expect(result).not.toBe(input);
    expect(Object.isFrozen(result)).toBe(true);
    expect(validateCloseCodeOverrides(undefined)).toEqual({});
  });

  it.each([null, 'x', 5, [['1008', 'resume']]])('rejects %j as a whole', (value) => {
    expect(() => validateCloseCodeOverrides(value)).toThrow(OptionsError);
  });

  it.each(['999', '5000', '1008.5', 'abc', '-1000', ' 1008', '01008x'])('rejects key %j, saying the allowed range', (key) => {
    expect(() => validateCloseCodeOverrides({ [key]: 'resume' })).toThrow(/must be a close code from 1000 to 4999/);
  });

  it.each(['retry', 'closed', 1, null, undefined])('rejects reaction %j, listing the allowed ones', (reaction) => {
    expect(() => validateCloseCodeOverrides({ 1008: reaction })).toThrow(OptionsError);
    expect(() => validateCloseCodeOverrides({ 1008: reaction })).toThrow(CLOSE_REACTIONS.join(', '));
  });
});
