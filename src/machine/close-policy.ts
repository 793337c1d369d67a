import { CLOSE_CODES } from '../constants.js';
import { OptionsError } from '../errors.js';
import type { CloseCodeTable, CloseReaction } from '../protocol/types.js';

/**
 * The close-code policy: what a session does when its connection closes. Pure functions over the
 * protocol's {@link CloseCodeTable} and the user's per-code overrides; the machine's guards call
 * {@link decideClose} and its chart follows the verdict.
 */

/** Per-code overrides of the protocol's default reactions (the `closeCodes` option), e.g. `{ 1008: 'resume' }`. */
export type CloseCodeOverrides = Readonly<Record<number, CloseReaction>>;

/** Every {@link CloseReaction}, for validation and docs. */
export const CLOSE_REACTIONS: readonly CloseReaction[] = Object.freeze([
  'resume',
  'resume-after-backoff',
  'resume-after-long-backoff',
  'new-session',
  'reconnect-after-backoff',
  'retry-with-new-token',
  'fatal',
]);

/** The lowest and highest close code an override may name (RFC 6455's registered and private ranges, 1000-4999). */
const MIN_CLOSE_CODE = 1000;
const MAX_CLOSE_CODE = 4999;

/** How the session goes on after a close, or that it does not. */
export type CloseDecision =
  | {
      /** The client asked for the close: the session ends cleanly. */
      readonly kind: 'closed';
    }
  | {
      /** The session ends with an error and never reconnects. */
      readonly kind: 'fatal';
      /** Why, in words, for the error message. */
      readonly reason: string;
      /** True when the close is fatal only because `reconnect.maxAttempts` is used up. */
      readonly gaveUp?: boolean;
    }
  | {
      /** `resume`: reconnect to the same endpoint and continue the session; `new-session`: start over. */
      readonly kind: 'resume' | 'new-session';
      /** `none`: at once; `backoff` and `long-backoff`: after a jittered delay (see `backoffDelay`). */
      readonly delay: 'none' | 'backoff' | 'long-backoff';
      /** True for the single retry after a 4001 that asks the token provider for a new token. */
      readonly freshToken?: boolean;
    };

/**
 * The reaction to one close code, before the session's state is taken into account.
 *
 * Order: a close the client asked for is `closed` whatever its code (the user's `close()` must never
 * be undone by a reconnect); then the user's override for the exact code; then 1000 sent unasked
 * (`table.unaskedNormalClose`); then the table's exact codes, its ranges (first match), its fallback.
 *
 * @example
 * ```ts
 * closeReactionFor(1008, REFERENCE_CLOSE_CODES);                    // 'fatal'
 * closeReactionFor(1008, REFERENCE_CLOSE_CODES, { 1008: 'resume' }); // 'resume'
 * closeReactionFor(1000, REFERENCE_CLOSE_CODES, {}, true);           // 'closed'
 * ```
 */
export function closeReactionFor(code: number, table: CloseCodeTable, overrides?: CloseCodeOverrides, clientRequested = false): CloseReaction | 'closed' {
  if (clientRequested) return 'closed';
  if (overrides !== undefined && Object.hasOwn(overrides, code)) {
    const override = overrides[code];
    if (override !== undefined) return override;
  }
  if (code === CLOSE_CODES.Normal) return table.unaskedNormalClose;
  if (Object.hasOwn(table.codes, code)) {
    const exact = table.codes[code];
    if (exact !== undefined) return exact;
  }
  for (const range of table.ranges) {
    if (code >= range.from && code <= range.to) return range.reaction;
  }
  return table.fallback;
}

/** What {@link decideClose} needs to know about the close and the session. */
export interface CloseContext {
  /** The WebSocket close code. */
  readonly code: number;
  /** The protocol's default reactions. */
  readonly table: CloseCodeTable;
  /** The user's per-code overrides. */
  readonly overrides?: CloseCodeOverrides;
  /** True when the client's own `close()` caused this close. */
  readonly clientRequested: boolean;
  /** Whether a resume could succeed (the protocol resumes; endpoint and Resume-Id are known). */
  readonly canResume: boolean;
  /** Whether the token comes from a provider that may yield a new one. */
  readonly hasTokenProvider: boolean;
  /** Whether the one retry with a fresh token after a 4001 was already spent. */
  readonly tokenRetryUsed: boolean;
  /** Consecutive reconnect attempts since the session was last authorized (0 for the first drop). */
  readonly attempt: number;
  /** Reconnect attempts allowed before giving up (`Infinity` for no limit). */
  readonly maxAttempts: number;
  /** Whether the socket of this connection attempt opened at all. */
  readonly opened: boolean;
  /**
   * The HTTP status that refused the WebSocket upgrade, where the platform shows it (Node). 401 and
   * 403 are the server rejecting the credentials before any close code could be sent: they take the
   * `retry-with-new-token` reaction (one retry with a fresh token, then fatal), not a retry loop.
   */
  readonly httpStatus?: number;
}

/** HTTP statuses of a refused upgrade that mean "these credentials are not accepted". */
const UNAUTHORIZED_HTTP_STATUSES: readonly number[] = [401, 403];

/**
 * Decides how the session goes on after a close. Total: every input gives a decision.
 *
 * Rules, in order, each with its reason:
 * 1. The reaction comes from {@link closeReactionFor}; a client-requested close is `closed`. An
 *    upgrade refused with HTTP 401 or 403 takes the reaction of a rejected token whatever the code.
 * 2. `fatal` never reconnects: the server said retrying cannot help (a policy violation, a
 *    session taken over) and a retry loop would only hammer it.
 * 3. `retry-with-new-token` (4001) is one new session at once with a fresh token when a token
 *    provider exists and that retry is unspent: an expired token is the common cause and a
 *    provider can refresh it. Otherwise it is fatal: the same credentials would be rejected again.
 * 4. A resume falls back to a new session (same delay) when it cannot succeed: no Resume-Id or
 *    endpoint is known, or this attempt's socket never opened (docs/protocol.md sections 1 and 5: an
 *    endpoint that refuses connections has lost its sessions, so go back to the balancer).
 * 5. With `attempt >= maxAttempts` every reconnect becomes fatal: the user's limit is a promise.
 * 6. A reconnect "at once" becomes one after a backoff when `attempt > 0`: a server that accepts
 *    and then drops at once (1001 in a loop, a flapping gateway) must not cause a retry storm, so
 *    only the first reconnect in a row is immediate.
 *
 * @example
 * ```ts
 * decideClose({ code: 1006, table: REFERENCE_CLOSE_CODES, clientRequested: false, canResume: true,
 *   hasTokenProvider: false, tokenRetryUsed: false, attempt: 0, maxAttempts: Infinity, opened: true });
 * // { kind: 'resume', delay: 'backoff' }
 * ```
 */
export function decideClose(input: CloseContext): CloseDecision {
  const reaction =
    !input.clientRequested && input.httpStatus !== undefined && UNAUTHORIZED_HTTP_STATUSES.includes(input.httpStatus)
      ? 'retry-with-new-token'
      : closeReactionFor(input.code, input.table, input.overrides, input.clientRequested);
  if (reaction === 'closed') return { kind: 'closed' };
  if (reaction === 'fatal') return { kind: 'fatal', reason: `close code ${input.code} is fatal under the close-code policy` };

  let decision: Extract<CloseDecision, { kind: 'resume' | 'new-session' }>;
  if (reaction === 'retry-with-new-token') {
    if (!input.hasTokenProvider) return { kind: 'fatal', reason: `the server rejected the credentials (close code ${input.code}) and no token provider can give a new token` };
    if (input.tokenRetryUsed) return { kind: 'fatal', reason: `the server rejected the credentials (close code ${input.code}) again, after a retry with a fresh token` };
    decision = { kind: 'new-session', delay: 'none', freshToken: true };
  } else {
    decision = reconnectFor(reaction);
    if (decision.kind === 'resume' && (!input.canResume || !input.opened)) decision = { kind: 'new-session', delay: decision.delay };
  }

  if (input.attempt >= input.maxAttempts) {
    return { kind: 'fatal', reason: gaveUpMessage(input.attempt, input.maxAttempts), gaveUp: true };
  }
  if (decision.delay === 'none' && input.attempt > 0) return { ...decision, delay: 'backoff' };
  return decision;
}

/** Why the session ends once `reconnect.maxAttempts` is used up, whatever the phase. */
export function gaveUpMessage(attempt: number, maxAttempts: number): string {
  return `gave up after ${attempt} reconnect attempt${attempt === 1 ? '' : 's'} (reconnect.maxAttempts is ${maxAttempts})`;
}

function reconnectFor(reaction: Exclude<CloseReaction, 'fatal' | 'retry-with-new-token'>): Extract<CloseDecision, { kind: 'resume' | 'new-session' }> {
  switch (reaction) {
    case 'resume':
      return { kind: 'resume', delay: 'none' };
    case 'resume-after-backoff':
      return { kind: 'resume', delay: 'backoff' };
    case 'resume-after-long-backoff':
      return { kind: 'resume', delay: 'long-backoff' };
    case 'new-session':
      return { kind: 'new-session', delay: 'none' };
    case 'reconnect-after-backoff':
      return { kind: 'new-session', delay: 'backoff' };
  }
}

/**
 * Validates the `closeCodes` option: a plain object whose keys are integer close codes from 1000 to
 * 4999 and whose values are {@link CloseReaction}s.
 *
 * @returns a frozen copy; an empty one for `undefined`.
 * @throws OptionsError saying which key or value is wrong and what is allowed.
 *
 * @example
 * ```ts
 * validateCloseCodeOverrides({ 1008: 'resume' }); // ok
 * validateCloseCodeOverrides({ 1008: 'retry' });  // throws: lists the allowed reactions
 * ```
 */
export function validateCloseCodeOverrides(value: unknown): CloseCodeOverrides {
  if (value === undefined) return Object.freeze({});
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OptionsError('closeCodes must be an object');
  }
  const result: Record<number, CloseReaction> = {};
  for (const [key, reaction] of Object.entries(value)) {
    const code = Number(key);
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(code) || code < MIN_CLOSE_CODE || code > MAX_CLOSE_CODE) {
      throw new OptionsError(`closeCodes key ${JSON.stringify(key)} must be a close code from ${MIN_CLOSE_CODE} to ${MAX_CLOSE_CODE}`);
    }
    if (typeof reaction !== 'string' || !(CLOSE_REACTIONS as readonly string[]).includes(reaction)) {
      throw new OptionsError(`closeCodes[${code}] must be one of ${CLOSE_REACTIONS.join(', ')}`);
    }
    result[code] = reaction as CloseReaction;
  }
  return Object.freeze(result);
}
