import { config } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { SubscribeError } from '../../src/node.js';
import { eventually, openSession, startServer } from '../helpers/session-harness.js';
import { answerInitialize, startHostileServer } from './hostile-server.js';

afterEach(() => {
  config.onUnhandledError = null;
});

describe('a refused stream name', () => {
  it('fails alone, reaches errors$, and the names batched with it still deliver (reference server, 404 naming it)', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    const unhandled: unknown[] = [];
    config.onUnhandledError = (error) => unhandled.push(error);
    const trades: unknown[] = [];
    // No error callback: what the README's first sample did. RxJS reports the error as unhandled.
    session.stream('btcusdt@trade').subscribe((trade) => trades.push(trade));
    session.stream('unknownusdt@trade').subscribe(() => {});
    await eventually(() => session.streamState('btcusdt@trade') === 'active', 'btcusdt@trade active', 5_000);
    server.publish('btcusdt@trade', { p: 1 });
    await eventually(() => trades.length === 1, 'the trade', 5_000);
    expect(session.streamState('unknownusdt@trade')).toBe('failed');
    const reported = session.reportedErrors.filter((error) => error instanceof SubscribeError);
    expect(reported).toHaveLength(1);
    expect((reported[0] as SubscribeError).stream).toBe('unknownusdt@trade');
    await eventually(() => unhandled.length === 1, 'the unhandled error', 5_000);
    expect(unhandled[0]).toBe(reported[0]);
  });

  it('fails alone when the server refuses the whole batch without naming it (500)', async () => {
    const batches: string[][] = [];
    const server = await startHostileServer({
      onConnection: (socket) =>
        answerInitialize(socket, () => {
          socket.on('message', (data) => {
            const packet = JSON.parse(String(data)) as { id: number; method: string; params: string[] };
            if (packet.method !== 'SUBSCRIBE') return;
            batches.push(packet.params);
            const answer = packet.params.includes('bad') ? { error: { code: 500, message: 'busy' } } : { result: null };
            socket.send(JSON.stringify({ id: packet.id, ...answer }));
          });
        }),
    });
    const session = openSession({ endpoint: server.url });
    const errors = new Map<string, unknown>();
    for (const name of ['a', 'b', 'bad', 'c']) session.stream(name).subscribe({ error: (error: unknown) => errors.set(name, error) });
    await eventually(() => ['a', 'b', 'c'].every((name) => session.streamState(name) === 'active') && session.streamState('bad') === 'failed', 'a, b, c active and bad failed', 5_000);
    expect([...errors.keys()]).toEqual(['bad']);
    expect(errors.get('bad')).toMatchObject({ code: 'subscribe', stream: 'bad', serverCode: 500, serverMessage: 'busy' });
    // Halved on each refusal: 2n - 1 requests at most, the bad name alone at the end.
    expect(batches).toEqual([['a', 'b', 'bad', 'c'], ['a', 'b'], ['bad', 'c'], ['bad'], ['c']]);
    expect(session.reportedErrors.filter((error) => error instanceof SubscribeError)).toHaveLength(1);
  });
});
