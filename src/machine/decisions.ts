import { CLOSE_CODES } from '../constants.js';
import { ConnectionClosedError, ProtocolViolationError, ServerError, UnauthorizedError, WirestateError } from '../errors.js';
import type { BackoffKind } from './backoff.js';
import { decideClose, gaveUpMessage, type CloseDecision } from './close-policy.js';
import type { ClosedReason, SessionContext, SessionEvent } from './types.js';

/**
 * Pure helpers of the session machine: what a close means, and why a session ended. The chart's
 * guards and actions call them with the machine's context; none of them has an effect.
 */

/** The close the machine reacts to: a real one from the socket, or one raised for a timeout or a dead connection. */
export function closeOf(event: SessionEvent): { code: number; reason: string; wasClean: boolean; httpStatus?: number } {
  if (event.type === 'SOCKET.CLOSED') {
    return { code: event.code, reason: event.reason, wasClean: event.wasClean, ...(event.httpStatus === undefined ? {} : { httpStatus: event.httpStatus }) };
  }
  return { code: CLOSE_CODES.Abnormal, reason: 'connection lost', wasClean: false };
}

/** Whether a resume could succeed: the protocol has resume, and the endpoint and a Resume-Id are known. */
export function canResume(context: SessionContext): boolean {
  return context.input.protocol.features.resume && context.endpoint !== undefined && context.resumeId !== undefined && context.sessionId !== undefined;
}

/** Whether a token provider (rather than a fixed token) is configured, so 4001 may be retried once. */
export function hasTokenProvider(context: SessionContext): boolean {
  return context.input.auth.kind === 'token' && typeof context.input.auth.token.reveal() === 'function';
}

/** The close-code policy's verdict for the close in `event`, given what the session knows now. */
export function decisionFor(context: SessionContext, event: SessionEvent): CloseDecision {
  const close = closeOf(event);
  return decideClose({
    code: close.code,
    table: context.input.protocol.closeCodes,
    overrides: context.input.closeCodes,
    clientRequested: false,
    canResume: canResume(context),
    hasTokenProvider: hasTokenProvider(context),
    tokenRetryUsed: context.tokenRetryUsed,
    attempt: context.attempt,
    maxAttempts: context.input.backoff.maxAttempts,
    opened: context.socketOpened,
    ...(event.type === 'SOCKET.CLOSED' && event.httpStatus !== undefined ? { httpStatus: event.httpStatus } : {}),
  });
}

/** The error a fatal close ends the session with. */
export function fatalErrorFor(context: SessionContext, close: { code: number; reason: string; httpStatus?: number }, why: string): WirestateError {
  if (context.lastError instanceof UnauthorizedError) return context.lastError;
  if (close.httpStatus === 401 || close.httpStatus === 403) return new UnauthorizedError('upgrade refused as unauthorized', { httpStatus: close.httpStatus });
  if (close.code === CLOSE_CODES.Unauthorized) return new UnauthorizedError(why, { closeCode: close.code });
  if (close.code === CLOSE_CODES.Session) {
    return new ConnectionClosedError(close.code, close.reason, 'session taken over by another connection');
  }
  return new ConnectionClosedError(close.code, close.reason, why);
}

/**
 * Why the session ended when `reconnect.maxAttempts` ran out, whatever the phase: a
 * ConnectionClosedError "gave up after N reconnect attempts" with the last failure as its `cause`.
 * The code is `close`'s, by default the last close seen (1006 when none); the reason is `reason`, by
 * default the error's message (a close that used up the attempts passes its own reason).
 */
export function gaveUp(
  context: SessionContext,
  lastFailure: WirestateError | undefined,
  close: { readonly code: number; readonly reason: string } = context.lastClose ?? { code: CLOSE_CODES.Abnormal, reason: '' },
  reason?: string,
): ClosedReason {
  const message = gaveUpMessage(context.attempt, context.input.backoff.maxAttempts);
  const error = new ConnectionClosedError(close.code, close.reason, message, lastFailure === undefined ? undefined : { cause: lastFailure });
  return failedWith(context, error, reason ?? message, close.code);
}

/** Whether a decision waits out a backoff before the next attempt (and with which delay), or goes on at once. */
export function backoffOf(decision: CloseDecision | undefined): BackoffKind | undefined {
  if (decision === undefined || !('delay' in decision) || decision.delay === 'none') return undefined;
  return decision.delay;
}

/** Why the session ended when the client called `close()`. */
export const CLIENT_CLOSE: ClosedReason = { code: CLOSE_CODES.Normal, reason: 'client closed', clientRequested: true };

/**
 * Why the session ended with `error`: the code of the last close the session saw, or 1006 (no close
 * frame: RFC 6455's code for a connection that ended without one) when it saw none.
 */
export function failedWith(context: SessionContext, error: WirestateError, reason = error.message, code = context.lastClose?.code ?? CLOSE_CODES.Abnormal): ClosedReason {
  return { code, reason, clientRequested: false, error };
}

/** The error an event carries (a failed actor, a failed socket), as a WirestateError. */
export function errorOf(event: SessionEvent | { error?: unknown }): WirestateError {
  const error = 'error' in event ? event.error : undefined;
  return error instanceof WirestateError ? error : new WirestateError('connection', 'session failed', { cause: error });
}

/** The error a failed endpoint or token provider is reported with: a WirestateError with the provider's failure as its cause. */
export function providerFailure(event: SessionEvent | { error?: unknown }): WirestateError {
  return new WirestateError('connection', 'provider failed', { cause: 'error' in event ? event.error : undefined });
}

/** Why the session ended after a close the policy made fatal. */
export function fatalClose(context: SessionContext): ClosedReason {
  const close = context.lastClose ?? { code: CLOSE_CODES.Abnormal, reason: 'connection lost' };
  const decision = context.decision;
  const why = decision?.kind === 'fatal' ? decision.reason : 'the close-code policy made it fatal';
  if (decision?.kind === 'fatal' && decision.gaveUp === true) {
    // Used-up attempts end alike whatever the last close was (a 4001 included): its failure is the cause.
    const closeError = fatalErrorFor(context, close, `close code ${close.code}`);
    return gaveUp(context, context.lastFailure ?? (closeError instanceof ConnectionClosedError ? undefined : closeError), close, close.reason);
  }
  return failedWith(context, fatalErrorFor(context, close, why), close.reason, close.code);
}

/** The error the server's answer to a lifecycle request carries, typed with its code and message. */
export function lifecycleError(event: SessionEvent, step: 'initialize' | 'authorize'): WirestateError {
  return event.type === 'LIFECYCLE.ERROR' ? new ServerError(step, event.error.code, event.error.message, event.error.data) : new ProtocolViolationError(`${step} failed`);
}

/**
 * Why the session ended when the server refused the authorize request, or a lifecycle request could
 * not be sent: the client then closes the connection itself with 1000.
 */
export function lifecycleFailed(event: SessionEvent, step: 'initialize' | 'authorize'): ClosedReason {
  return { code: CLOSE_CODES.Normal, reason: `${step} failed`, clientRequested: false, error: lifecycleError(event, step) };
}

