import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectionLostError,
  OversizeMessageError,
  QueueFullError,
  RequestAbortedError,
  RequestTimeoutError,
  ServerError,
  SessionClosedError,
} from '../../src/errors.js';
import type { ProtocolRequest } from '../../src/protocol/types.js';
import { createIdSource } from '../../src/streams/ids.js';
import { RequestCorrelator, type RequestCorrelatorOptions } from '../../src/streams/requests.js';

interface Sent {
  id: number;
  request: ProtocolRequest;
  onSendError: (error: Error) => void;
}

function call(method: string, params?: unknown): ProtocolRequest {
  return { kind: 'call', method, params };
}

/** A correlator whose `send` records every packet instead of writing to a socket. */
function setup(options: Partial<RequestCorrelatorOptions> = {}) {
  const sent: Sent[] = [];
  const correlator = new RequestCorrelator({
    nextId: createIdSource(),
    send: (id, request, onSendError) => sent.push({ id, request, onSendError }),
    ...options,
  });
  return { correlator, sent };
}

/** Whether no sent request awaits its answer any more: an answer to any of their ids is ignored. */
function noneInFlight(correlator: RequestCorrelator, sent: readonly Sent[]): boolean {
  return sent.every(({ id }) => !correlator.handleResult(id, 'late'));
}

/** Observes a promise's outcome without leaving an unhandled rejection behind. */
function track<T>(promise: Promise<T>) {
  const outcome: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(outcome, { settled: true, value }),
    (error: unknown) => Object.assign(outcome, { settled: true, error }),
  );
  return outcome;
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

describe('createIdSource', () => {
  it('hands out increasing positive integers and wraps to 1 before leaving the safe range', () => {
    const next = createIdSource();
    expect([next(), next(), next()]).toEqual([1, 2, 3]);
    const nearLimit = createIdSource(Number.MAX_SAFE_INTEGER - 1);
    expect([nearLimit(), nearLimit(), nearLimit()]).toEqual([Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER, 1]);
    expect(() => createIdSource(0)).toThrow(RangeError);
  });
});

describe('RequestCorrelator', () => {
  it('resolves with the result of the matching id', async () => {
    const { correlator, sent } = setup();
    correlator.setReady(true);
    const first = correlator.request(call('ECHO', 1));
    const second = correlator.request(call('ECHO', 2));
    expect(sent.map((s) => s.id)).toEqual([1, 2]);
    expect(correlator.handleResult(2, 'two')).toBe(true);
    expect(correlator.handleResult(1, 'one')).toBe(true);
    await expect(first).resolves.toBe('one');
    await expect(second).resolves.toBe('two');
    expect(noneInFlight(correlator, sent)).toBe(true);
  });

  it('rejects with a ServerError carrying method, code, message and data', async () => {
    const { correlator, sent } = setup();
    correlator.setReady(true);
    const pending = correlator.request(call('NOPE'));
    correlator.handleError(sent[0]!.id, { code: -32601, message: 'Method not found', data: { hint: 'x' } });
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ method: 'NOPE', serverCode: -32601, data: { hint: 'x' }, code: 'server' });
    expect((error as ServerError).serverMessage).toContain('Method not found');
  });

  it('names subscribe and unsubscribe requests by kind in errors', async () => {
    const { correlator, sent } = setup();
    correlator.setReady(true);
    const subscribe = correlator.request({ kind: 'subscribe', streams: ['a'] });
    correlator.handleError(sent[0]!.id, { code: 404, message: 'unknown stream a' });
    await expect(subscribe).rejects.toMatchObject({ method: 'subscribe' });
    const unsubscribe = correlator.request({ kind: 'unsubscribe', streams: ['a'] });
    correlator.handleError(sent[1]!.id, { code: 500, message: 'boom' });
    await expect(unsubscribe).rejects.toMatchObject({ method: 'unsubscribe' });
  });

  it('times out, counting from the call (queue time included), and ignores the late answer', async () => {
    const { correlator, sent } = setup({ defaultTimeoutMs: 1000 });
    const pending = track(correlator.request(call('SLOW')));
    vi.advanceTimersByTime(600);
    correlator.setReady(true);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(399);
    await Promise.resolve();
    expect(pending.settled).toBe(false);
    vi.advanceTimersByTime(1);
    await vi.waitFor(() => expect(pending.settled).toBe(true));
    expect(pending.error).toBeInstanceOf(RequestTimeoutError);
    expect(pending.error).toMatchObject({ method: 'SLOW', timeoutMs: 1000 });
    expect(correlator.handleResult(sent[0]!.id, 'too late')).toBe(false);
    expect(noneInFlight(correlator, sent)).toBe(true);
  });

  it('takes a per-request timeout, and Infinity sets no timer at all', async () => {
    const { correlator, sent } = setup({ defaultTimeoutMs: 1000 });
    correlator.setReady(true);
    const quick = track(correlator.request(call('A'), { timeoutMs: 10 }));
    const forever = correlator.request(call('B'), { timeoutMs: Infinity });
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10);
    await vi.waitFor(() => expect(quick.error).toBeInstanceOf(RequestTimeoutError));
    correlator.handleResult(sent[1]!.id, 'b');
    await expect(forever).resolves.toBe('b');
  });

  it('aborts a queued request, removing it from the queue', async () => {
    const { correlator, sent } = setup();
    const controller = new AbortController();
    const pending = correlator.request(call('A'), { signal: controller.signal });
    expect(correlator.queuedCount()).toBe(1);
    controller.abort('user left');
    await expect(pending).rejects.toBeInstanceOf(RequestAbortedError);
    expect(correlator.queuedCount()).toBe(0);
    correlator.setReady(true);
    expect(sent).toHaveLength(0);
  });

  it('aborts a sent request and ignores its late answer', async () => {
    const { correlator, sent } = setup();
    correlator.setReady(true);
    const controller = new AbortController();
    const pending = correlator.request(call('A'), { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(noneInFlight(correlator, sent)).toBe(true);
    expect(correlator.handleResult(sent[0]!.id, 'late')).toBe(false);
  });

  it('rejects at once for an already aborted signal, without sending', async () => {
    const { correlator, sent } = setup();
    correlator.setReady(true);
    const error = await correlator.request(call('A'), { signal: AbortSignal.abort('why') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect((error as Error).cause).toBe('why');
    expect(sent).toHaveLength(0);
  });

  it('bounds the queue while not ready', async () => {
    const { correlator } = setup({ maxQueued: 2 });
    const kept = [track(correlator.request(call('A'))), track(correlator.request(call('B')))];
    await expect(correlator.request(call('C'))).rejects.toBeInstanceOf(QueueFullError);
    expect(correlator.queuedCount()).toBe(2);
    correlator.closeAll();
    await vi.waitFor(() => expect(kept.every((k) => k.error instanceof SessionClosedError)).toBe(true));
  });

  it('flushes the queue in FIFO order when ready', async () => {
    const { correlator, sent } = setup();
    const pending = ['A', 'B', 'C'].map((method) => correlator.request(call(method)));
    expect(sent).toHaveLength(0);
    correlator.setReady(true);
    expect(sent.map((s) => (s.request as { method: string }).method)).toEqual(['A', 'B', 'C']);
    sent.forEach((s) => correlator.handleResult(s.id, s.id));
    await expect(Promise.all(pending)).resolves.toEqual([1, 2, 3]);
  });

  it('on connection loss re-sends idempotent requests with a new id and rejects the others', async () => {
    const { correlator, sent } = setup();
    correlator.setReady(true);
    const safe = correlator.request({ kind: 'subscribe', streams: ['a'] }, { idempotent: true });
    const unsafe = track(correlator.request(call('TRANSFER')));
    correlator.setReady(false);
    const queuedAfter = correlator.request(call('LATER'));
    expect(sent.map((s) => s.id)).toEqual([1, 2]);
    expect(correlator.queuedCount()).toBe(1);

    correlator.connectionLost();
    await vi.waitFor(() => expect(unsafe.error).toBeInstanceOf(ConnectionLostError));
    expect((unsafe.error as ConnectionLostError).code).toBe('connection');
    expect(noneInFlight(correlator, sent)).toBe(true);
    expect(correlator.queuedCount()).toBe(2);
    expect(correlator.handleResult(1, 'answer from the dead connection')).toBe(false);

    correlator.setReady(true);
    // The re-queued subscribe was asked for before LATER, so it goes first again.
    expect(sent.slice(2).map((s) => [s.id, s.request.kind === 'call' ? s.request.method : s.request.kind])).toEqual([
      [3, 'subscribe'],
      [4, 'LATER'],
    ]);
    correlator.handleResult(3, null);
    correlator.handleResult(4, 'later');
    await expect(safe).resolves.toBeNull();
    await expect(queuedAfter).resolves.toBe('later');
  });

  it('rejects with the send error (oversize) and keeps serving', async () => {
    const { correlator, sent } = setup();
    correlator.setReady(true);
    const big = correlator.request(call('BIG'), { idempotent: true });
    sent[0]!.onSendError(new OversizeMessageError(200_000, 131_072));
    await expect(big).rejects.toBeInstanceOf(OversizeMessageError);
    const next = correlator.request(call('SMALL'));
    correlator.handleResult(sent[1]!.id, 'ok');
    await expect(next).resolves.toBe('ok');
  });

  it('treats a not-connected send error like a connection loss for that request', async () => {
    const notConnected = new ConnectionLostError('socket is not open');
    const sent: ProtocolRequest[] = [];
    let connected = false;
    const correlator = new RequestCorrelator({
      nextId: createIdSource(),
      send: (id, request) => {
        sent.push(request);
        if (!connected) throw notConnected;
        queueMicrotask(() => correlator.handleResult(id, 'done'));
      },
    });
    correlator.setReady(true);
    const unsafe = correlator.request(call('A'));
    const safe = track(correlator.request(call('B'), { idempotent: true }));
    const error = await unsafe.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as Error).cause).toBe(notConnected);
    expect(correlator.queuedCount()).toBe(1);
    connected = true;
    correlator.setReady(true);
    await vi.waitFor(() => expect(safe.value).toBe('done'));
    expect(sent).toHaveLength(3);
  });

  it('closeAll rejects queued and sent requests, and every later request', async () => {
    const { correlator, sent } = setup();
    correlator.setReady(true);
    const sentOne = track(correlator.request(call('A')));
    correlator.setReady(false);
    const queuedOne = track(correlator.request(call('B')));
    const reason = new SessionClosedError('closed by the test');
    correlator.closeAll(reason);
    await vi.waitFor(() => expect(sentOne.error).toBe(reason));
    expect(queuedOne.error).toBe(reason);
    expect(noneInFlight(correlator, sent) && correlator.queuedCount() === 0).toBe(true);
    await expect(correlator.request(call('C'))).rejects.toBe(reason);

    const other = setup();
    const fatal = new Error('fatal close');
    other.correlator.closeAll(fatal);
    const later = await other.correlator.request(call('D')).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(SessionClosedError);
    expect((later as Error).cause).toBe(fatal);
  });

  it('leaves no timer behind once every request has settled', async () => {
    const { correlator, sent } = setup();
    correlator.setReady(true);
    const controller = new AbortController();
    const pending = [
      correlator.request(call('A')),
      correlator.request(call('B'), { signal: controller.signal }),
      correlator.request(call('C')),
    ].map((p) => p.catch(() => 'rejected'));
    // Pending requests share one timer, armed for the earliest deadline.
    expect(vi.getTimerCount()).toBe(1);
    correlator.handleResult(sent[0]!.id, 'a');
    controller.abort();
    correlator.handleError(sent[2]!.id, { code: 1, message: 'x' });
    await Promise.all(pending);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps its one timer across requests made one after another, and stops it a microtask after the last settles', async () => {
    let started = 0;
    let stopped = 0;
    const { correlator, sent } = setup({
      timers: {
        setTimeout: (callback, ms) => (started++, setTimeout(callback, ms)),
        clearTimeout: (handle) => (stopped++, clearTimeout(handle as ReturnType<typeof setTimeout>)),
      },
    });
    correlator.setReady(true);
    for (let index = 0; index < 5; index++) {
      const answer = correlator.request(call('ECHO', index));
      // Answered later, as a socket does: the loop is already waiting for it.
      queueMicrotask(() => correlator.handleResult(sent[index]!.id, index));
      expect(await answer).toBe(index);
    }
    expect([started, stopped]).toEqual([1, 0]);
    await Promise.resolve();
    expect([started, stopped]).toEqual([1, 1]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out a request made after an answer at its own deadline, not at the kept timer of the one before', async () => {
    const { correlator, sent } = setup({ defaultTimeoutMs: 1000 });
    correlator.setReady(true);
    const first = correlator.request(call('FIRST'));
    vi.advanceTimersByTime(500);
    correlator.handleResult(sent[0]!.id, 'ok');
    await first;
    const second = track(correlator.request(call('SECOND')));
    vi.advanceTimersByTime(500);
    await Promise.resolve();
    expect(second.settled).toBe(false);
    vi.advanceTimersByTime(499);
    await Promise.resolve();
    expect(second.settled).toBe(false);
    vi.advanceTimersByTime(1);
    await vi.waitFor(() => expect(second.error).toMatchObject({ method: 'SECOND', timeoutMs: 1000 }));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out each request at its own deadline with one timer, whatever order the deadlines come in', async () => {
    const { correlator, sent } = setup();
    correlator.setReady(true);
    const slow = track(correlator.request(call('SLOW'), { timeoutMs: 1000 }));
    const fast = track(correlator.request(call('FAST'), { timeoutMs: 300 }));
    const answered = track(correlator.request(call('ANSWERED'), { timeoutMs: 100 }));
    const middle = track(correlator.request(call('MIDDLE'), { timeoutMs: 600 }));
    expect(vi.getTimerCount()).toBe(1);
    correlator.handleResult(sent[2]!.id, 'ok');
    vi.advanceTimersByTime(299);
    await Promise.resolve();
    expect([slow.settled, fast.settled, middle.settled]).toEqual([false, false, false]);
    vi.advanceTimersByTime(1);
    await vi.waitFor(() => expect(fast.error).toBeInstanceOf(RequestTimeoutError));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(300);
    await vi.waitFor(() => expect(middle.error).toMatchObject({ method: 'MIDDLE', timeoutMs: 600 }));
    expect(slow.settled).toBe(false);
    vi.advanceTimersByTime(400);
    await vi.waitFor(() => expect(slow.error).toMatchObject({ method: 'SLOW', timeoutMs: 1000 }));
    expect(answered.value).toBe('ok');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores answers for ids it never sent', () => {
    const { correlator } = setup();
    expect(correlator.handleResult(42, null)).toBe(false);
    expect(correlator.handleError(42, { code: 1, message: 'x' })).toBe(false);
  });
});
