import { CLOSE_CODES } from '../../constants.js';
import type { CloseCodeTable } from '../types.js';

/**
 * The reference protocol's default reaction to every WebSocket close code: docs/protocol.md section 8 as
 * data. The machine's close-code policy reads it (exact code, then ranges, then the fallback) after
 * the user's per-code overrides (`closeCodes` option).
 *
 * Code 1000 is not in `codes` on purpose: whether it ends the session depends on who asked for it.
 * After the client's own `close()` it means closed; sent unasked by the server it means
 * `unaskedNormalClose` (resume), because a server that wants a client gone for good says why with a
 * 4xxx code.
 *
 * @example
 * ```ts
 * REFERENCE_CLOSE_CODES.codes[4001]; // 'retry-with-new-token'
 * ```
 */
export const REFERENCE_CLOSE_CODES: CloseCodeTable = Object.freeze({
  codes: Object.freeze({
    [CLOSE_CODES.GoingAway]: 'resume',
    [CLOSE_CODES.Protocol]: 'fatal',
    [CLOSE_CODES.UnsupportedData]: 'fatal',
    [CLOSE_CODES.NoStatus]: 'resume-after-backoff',
    [CLOSE_CODES.Abnormal]: 'resume-after-backoff',
    [CLOSE_CODES.DataInvalid]: 'fatal',
    // Seed 002's servers use 1008 for a missed pong; users of such servers override it to 'resume'.
    [CLOSE_CODES.ViolatesPolicy]: 'fatal',
    // The oversized message is never sent again (the client refuses it locally), so resuming is safe.
    [CLOSE_CODES.DataTooLarge]: 'resume-after-backoff',
    [CLOSE_CODES.ServerError]: 'resume-after-backoff',
    // The server is going away for good: its sessions die with it, so resuming would only fail.
    [CLOSE_CODES.ServerRestart]: 'new-session',
    [CLOSE_CODES.TryAgainLater]: 'resume-after-long-backoff',
    [CLOSE_CODES.TLS]: 'fatal',
    // Taken over by another connection: reconnecting would start a fight over the session.
    [CLOSE_CODES.Session]: 'fatal',
    [CLOSE_CODES.Unauthorized]: 'retry-with-new-token',
    // The client sent something before INITIALIZE: a bug that retrying would only repeat.
    [CLOSE_CODES.NotInitialized]: 'fatal',
    [CLOSE_CODES.InitTimeout]: 'reconnect-after-backoff',
  } as const),
  ranges: Object.freeze([
    Object.freeze({ from: 1000, to: 1999, reaction: 'resume-after-backoff' } as const),
    Object.freeze({ from: 3000, to: 3999, reaction: 'resume-after-backoff' } as const),
    Object.freeze({ from: 4000, to: 4999, reaction: 'fatal' } as const),
  ]),
  fallback: 'resume-after-backoff',
  unaskedNormalClose: 'resume',
});

/**
 * Human-readable names of the close codes the reference protocol gives a meaning to, for
 * diagnostics and docs: {@link CLOSE_CODES} read backwards. Codes 1010 and 1014 are not in
 * docs/protocol.md; their names come from the IANA WebSocket close code registry and they get the
 * default reaction of their range.
 *
 * @example
 * ```ts
 * `closed with ${code} (${CLOSE_CODE_NAMES[code] ?? 'unnamed'})`
 * ```
 */
export const CLOSE_CODE_NAMES: Readonly<Record<number, string>> = Object.freeze(
  Object.fromEntries(Object.entries(CLOSE_CODES).map(([name, code]) => [code, name])),
);
