import { CLOSE_CODES } from '../../constants.js';
import type { CloseCodeTable } from '../types.js';

/**
 * The plain-streams protocol's default reaction to every WebSocket close code.
 *
 * The dialect has no sessions to resume, no credentials and no close codes of its own, so the table
 * is built on three observations:
 * - Every reconnect is a fresh connection: the registry re-subscribes every observed stream in one
 *   batch and `gaps$` names them. (Resume reactions would fall back to exactly that anyway; the
 *   table says so directly, except for 1013, see below.)
 * - A market-data client must keep going through anything the server may cause (restarts, load
 *   shedding, a missed pong, an application-defined 4xxx code), so those reconnect after a backoff,
 *   which keeps a misbehaving server from causing a retry storm.
 * - What only a broken client causes stays fatal, because retrying would repeat it: 1002 (protocol
 *   error; plain market-data servers close on invalid frames), 1003 and 1007 (data the server cannot take), and 1015
 *   (TLS).
 *
 * Differences from the reference table: 1008 reconnects (without credentials, a policy close is a
 * missed pong or rate limiting, not a rejected login), 4xxx codes reconnect (the dialect defines
 * none, so they are not "session taken over" or "unauthorized"), and a normal close the server sent
 * unasked reconnects at once (it cleaned up "your user session"; a new one costs nothing).
 * Override per code with the session's `closeCodes` option, e.g. `{ 4003: 'fatal' }`.
 *
 * @example
 * ```ts
 * PLAIN_STREAMS_CLOSE_CODES.codes[1012]; // 'new-session'
 * ```
 */
export const PLAIN_STREAMS_CLOSE_CODES: CloseCodeTable = Object.freeze({
  codes: Object.freeze({
    [CLOSE_CODES.GoingAway]: 'new-session',
    [CLOSE_CODES.Protocol]: 'fatal',
    [CLOSE_CODES.UnsupportedData]: 'fatal',
    [CLOSE_CODES.NoStatus]: 'reconnect-after-backoff',
    [CLOSE_CODES.Abnormal]: 'reconnect-after-backoff',
    [CLOSE_CODES.DataInvalid]: 'fatal',
    [CLOSE_CODES.ViolatesPolicy]: 'reconnect-after-backoff',
    // The oversized message is never sent again (the client refuses it locally).
    [CLOSE_CODES.DataTooLarge]: 'reconnect-after-backoff',
    [CLOSE_CODES.ServerError]: 'reconnect-after-backoff',
    [CLOSE_CODES.ServerRestart]: 'new-session',
    // The one reaction with the longer delay. Nothing can be resumed, so the policy turns it into a
    // fresh connection after that delay.
    [CLOSE_CODES.TryAgainLater]: 'resume-after-long-backoff',
    [CLOSE_CODES.TLS]: 'fatal',
  } as const),
  ranges: Object.freeze([
    Object.freeze({ from: 1000, to: 1999, reaction: 'reconnect-after-backoff' } as const),
    Object.freeze({ from: 3000, to: 4999, reaction: 'reconnect-after-backoff' } as const),
  ]),
  fallback: 'reconnect-after-backoff',
  unaskedNormalClose: 'new-session',
});
