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
    1001: 'resume',
    1002: 'fatal',
    1003: 'fatal',
    1005: 'resume-after-backoff',
    1006: 'resume-after-backoff',
    1007: 'fatal',
    // Seed 002's servers use 1008 for a missed pong; users of such servers override it to 'resume'.
    1008: 'fatal',
    // The oversized message is never sent again (the client refuses it locally), so resuming is safe.
    1009: 'resume-after-backoff',
    1011: 'resume-after-backoff',
    // The server is going away for good: its sessions die with it, so resuming would only fail.
    1012: 'new-session',
    1013: 'resume-after-long-backoff',
    1015: 'fatal',
    // Taken over by another connection: reconnecting would start a fight over the session.
    4000: 'fatal',
    4001: 'retry-with-new-token',
    // The client sent something before INITIALIZE: a bug that retrying would only repeat.
    4002: 'fatal',
    4202: 'reconnect-after-backoff',
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
 * diagnostics and docs. Codes 1010 and 1014 are not in docs/protocol.md; their names come from the IANA
 * WebSocket close code registry and they get the default reaction of their range.
 *
 * @example
 * ```ts
 * `closed with ${code} (${CLOSE_CODE_NAMES[code] ?? 'unnamed'})`
 * ```
 */
export const CLOSE_CODE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1000: 'Normal',
  1001: 'GoingAway',
  1002: 'Protocol',
  1003: 'UnsupportedData',
  1005: 'NoStatus',
  1006: 'Abnormal',
  1007: 'DataInvalid',
  1008: 'ViolatesPolicy',
  1009: 'DataTooLarge',
  1010: 'MandatoryExtension',
  1011: 'ServerError',
  1012: 'ServerRestart',
  1013: 'TryAgainLater',
  1014: 'BadGateway',
  1015: 'TLS',
  4000: 'Session',
  4001: 'Unauthorized',
  4002: 'NotInitialized',
  4202: 'InitTimeout',
});
