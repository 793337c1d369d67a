import type { SessionContext, SessionStateName } from '../machine/types.js';

/**
 * Why requests are still queued, for the message of a request that timed out before it was sent:
 * the state the session is in and, when one is known, how the last connection ended and the last
 * error. Never quotes a URL or a credential (errors on `errors$` do not either).
 *
 * @example
 * ```ts
 * notSentReason('reconnecting', context); // 'the session is not connected (state reconnecting; last close 1006)'
 * ```
 */
export function notSentReason(state: SessionStateName, context: Pick<SessionContext, 'lastClose' | 'lastError'>): string {
  const details = [`state ${state}`];
  const close = context.lastClose;
  if (close !== undefined) details.push(`last close ${close.code}${close.reason === '' ? '' : ` ${close.reason}`}`);
  if (context.lastError !== undefined) details.push(`last error: ${context.lastError.message.replace(/\.$/, '')}`);
  return `the session is not connected (${details.join('; ')})`;
}
