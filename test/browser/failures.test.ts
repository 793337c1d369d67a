/**
 * Failures that only a browser shows its own way: what reaches errors$ and state$ there.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { BalancerError, TransportError } from '../../src/index.js';
import { eventually, openSession } from './harness.js';

describe('failures in the browser', () => {
  it('a balancer on another origin without CORS headers: an unreachable-balancer BalancerError (docs/errors.md#balancer names CORS), and the session retries', async () => {
    const session = openSession({ balancer: `${inject('wirestate').controlUrl}/no-cors`, reconnect: { initialDelayMs: 5, maxDelayMs: 20 }, lazy: false });
    await eventually(() => session.reportedErrors.filter((error) => error instanceof BalancerError).length >= 2, 'two balancer failures');
    const error = session.reportedErrors.find((candidate) => candidate instanceof BalancerError) as BalancerError;
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^balancer unreachable/);
    expect(error.status).toBeUndefined();
    expect(session.states.some((state) => state.value === 'reconnecting' && state.lastFailure instanceof BalancerError)).toBe(true);
  });

  it('a refused WebSocket: a TransportError without detail (browsers give none), and lastClose 1006', async () => {
    // Port 9 (discard) has no listener here: the browser's connection fails.
    const session = openSession({ endpoint: 'ws://127.0.0.1:9/ws', reconnect: { initialDelayMs: 5, maxDelayMs: 20 }, lazy: false });
    await eventually(() => session.reportedErrors.some((error) => error instanceof TransportError), 'a TransportError');
    expect(session.reportedErrors.find((error) => error instanceof TransportError)?.message).toBe('WebSocket error');
    expect(session.states.some((state) => state.lastClose?.code === 1006 && state.lastFailure instanceof TransportError)).toBe(true);
  });
});
