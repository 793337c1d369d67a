import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionLostError, RequestTimeoutError } from '../../src/errors.js';
import { createIdSource } from '../../src/streams/ids.js';
import { RequestCorrelator } from '../../src/streams/requests.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

/** A correlator whose sends go nowhere, or fail as "not connected" while `connected` is false. */
function setup() {
  const state = { connected: true, sends: 0 };
  const correlator = new RequestCorrelator({
    nextId: createIdSource(),
    send: (_id, _request, onSendError) => {
      if (!state.connected) onSendError(new ConnectionLostError('Not sent: the connection is down.'));
      else state.sends++;
    },
    whyNotSent: () => 'the session is not connected (connecting)',
  });
  return { correlator, state };
}

async function timeoutOf(promise: Promise<unknown>, ms: number): Promise<RequestTimeoutError> {
  const outcome = promise.catch((error: unknown) => error);
  await vi.advanceTimersByTimeAsync(ms);
  const error = await outcome;
  expect(error).toBeInstanceOf(RequestTimeoutError);
  return error as RequestTimeoutError;
}

describe('RequestTimeoutError.sent', () => {
  it('is false, with the reason, for a request still queued when its timeout fires', async () => {
    const { correlator } = setup();
    const error = await timeoutOf(correlator.request({ kind: 'call', method: 'ECHO' }, { timeoutMs: 300 }), 300);
    expect(error.sent).toBe(false);
    expect(error.notSentReason).toBe('the session is not connected (connecting)');
  });

  it('is false for an idempotent request whose every send found no connection', async () => {
    const { correlator, state } = setup();
    state.connected = false;
    correlator.setReady(true);
    const error = await timeoutOf(correlator.request({ kind: 'call', method: 'ECHO' }, { timeoutMs: 50, idempotent: true }), 50);
    expect(error.sent).toBe(false);
  });

  it('is true for a request that went out, even when it waits to be re-sent after a drop', async () => {
    const { correlator, state } = setup();
    correlator.setReady(true);
    const answered = correlator.request({ kind: 'call', method: 'ECHO' }, { timeoutMs: 50, idempotent: true });
    expect(state.sends).toBe(1);
    correlator.connectionLost();
    const error = await timeoutOf(answered, 50);
    expect(error.sent).toBe(true);
    expect(error).toMatchObject({ method: 'ECHO', timeoutMs: 50, notSentReason: undefined });
  });
});
