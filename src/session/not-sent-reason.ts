import type { SessionContext, SessionStateName } from '../machine/types.js';

/** What each state is waiting for, as the end of "the session is not connected (…)". */
const WAITING_FOR: Readonly<Record<SessionStateName, string>> = {
  idle: 'it has not started',
  resolving: 'asking the balancer for an endpoint',
  connecting: 'connecting',
  initializing: 'connected, waiting for the initialize answer',
  authorizing: 'connected, waiting for the authorize answer',
  authorized: 'ready again',
  resuming: 'resuming',
  reconnecting: 'waiting to reconnect',
  closed: 'closed',
};

/**
 * Why requests are still queued, for the message of a request that timed out before it was sent:
 * the state the session is in and, when one is known, how the last connection ended and the last
 * error. Never quotes a URL or a credential (errors on `errors$` do not either).
 *
 * @example
 * ```ts
 * notSentReason('reconnecting', context); // 'the session is not connected (waiting to reconnect; last close 1006)'
 * ```
 */
export function notSentReason(state: SessionStateName, context: Pick<SessionContext, 'lastClose' | 'lastError'>): string {
  const details = [WAITING_FOR[state] ?? state];
  const close = context.lastClose;
  if (close !== undefined) details.push(`last close ${close.code}${close.reason === '' ? '' : ` ${close.reason}`}`);
  if (context.lastError !== undefined) details.push(`last error: ${context.lastError.message.replace(/\.$/, '')}`);
  return `the session is not connected (${details.join('; ')})`;
}
