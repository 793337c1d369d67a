import { ConnectionClosedError, UnauthorizedError, type WirestateError } from '../errors.js';
import type { InitializeResult } from '../protocol/types.js';
import { decideClose, type CloseDecision } from './close-policy.js';
import type { SessionContext, SessionEvent } from './types.js';

/** The close the machine reacts to: a real one from the socket, or one raised for a timeout or a dead connection. */
export function closeOf(event: SessionEvent): { code: number; reason: string; wasClean: boolean; httpStatus?: number } {
  if (event.type === 'SOCKET.CLOSED') {
    return { code: event.code, reason: event.reason, wasClean: event.wasClean, ...(event.httpStatus === undefined ? {} : { httpStatus: event.httpStatus }) };
  }
  return { code: 1006, reason: 'connection lost', wasClean: false };
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
  if (close.code === 4001) return new UnauthorizedError(why, { closeCode: close.code });
  if (close.code === 4000) {
    return new ConnectionClosedError(close.code, close.reason, 'session taken over by another connection');
  }
  return new ConnectionClosedError(close.code, close.reason, why);
}

/** Parses an initialize result without throwing: the machine's guards and actions both need it. */
export function parseInitialize(context: SessionContext, result: unknown): InitializeResult | WirestateError {
  try {
    return context.input.protocol.parseInitializeResult(result);
  } catch (error) {
    return error as WirestateError;
  }
}
