import { describe, expect, it } from 'vitest';
import { codecFactory } from '../../src/codecs/index.js';
import { CODEC_NAMES, ProtocolViolationError, SeqAnomalyError } from '../../src/node.js';
import { eventually, waitForNextState, waitForState } from '../helpers/session-harness.js';
import { referenceFixture } from './fixtures.js';
import { collect, connect, untilServerHolds } from './helpers.js';

/** Regression: one bad seq from the server used to make the client drop every later stream message of the session. */
describe('reference: a seq that breaks the sequence', () => {
  it.each(CODEC_NAMES)('%s: a huge seq is reported, announced as a gap and delivered, and later messages still arrive', async (codec) => {
    const server = await referenceFixture.startServer({ resumeWindowMs: 5_000 });
    const session = await connect(referenceFixture, server, { codecs: [codecFactory(codec)] });
    const gaps: (readonly string[])[] = [];
    session.gaps$.subscribe((names) => gaps.push(names));
    const trades = collect(session.stream<number>('btcusdt@trade'));
    await untilServerHolds(server, session, ['btcusdt@trade']);

    for (let n = 1; n <= 3; n++) server.publish('btcusdt@trade', n);
    await eventually(() => trades.values.length === 3, 'the first three messages', 3_000);
    expect(server.faults.sendStreamMessage('all', { stream: 'btcusdt@trade', data: -1, seq: 2 ** 50 })).toBe(1);
    for (let n = 4; n <= 6; n++) server.publish('btcusdt@trade', n);
    await eventually(() => trades.values.length === 7, 'every message after the anomaly', 3_000);

    expect(trades.values).toEqual([1, 2, 3, -1, 4, 5, 6]);
    const anomalies = session.reportedErrors.filter((error) => error instanceof SeqAnomalyError);
    expect(anomalies.map(({ expected, received, stream }) => ({ expected, received, stream }))).toEqual([
      { expected: 4, received: 2 ** 50, stream: 'btcusdt@trade' }, // the jump
      { expected: 2 ** 50 + 1, received: 4, stream: 'btcusdt@trade' }, // the server's own numbering, going on
    ]);
    expect(gaps).toEqual([['btcusdt@trade'], ['btcusdt@trade']]);
    expect(session.states.at(-1)?.value).toBe('authorized');

    // The sequence continued from the server's own numbering: a resume after a drop replays exactly what was missed.
    server.faults.dropConnection();
    await waitForNextState(session, 'resuming');
    for (let n = 7; n <= 9; n++) server.publish('btcusdt@trade', n);
    await waitForState(session, 'authorized');
    await eventually(() => trades.values.length === 10, 'the replayed messages', 3_000);
    expect(trades.values.slice(7)).toEqual([7, 8, 9]);
    expect(session.states.at(-1)?.resumed).toBe(true);
  });

  it('a seq that goes back below what was delivered is reported and delivered; a replayed one is dropped', async () => {
    const server = await referenceFixture.startServer();
    const session = await connect(referenceFixture, server, { codecs: ['json'] });
    const trades = collect(session.stream<number>('btcusdt@trade'));
    const book = collect(session.stream<number>('btcusdt@depth'));
    const gaps: (readonly string[])[] = [];
    session.gaps$.subscribe((names) => gaps.push(names));
    await untilServerHolds(server, session, ['btcusdt@trade', 'btcusdt@depth']);

    for (let n = 1; n <= 4; n++) server.publish('btcusdt@trade', n);
    await eventually(() => trades.values.length === 4, 'four messages', 3_000);
    server.faults.sendStreamMessage('all', { stream: 'btcusdt@trade', data: 'replayed', seq: 2 });
    // A negative seq would corrupt lastSeq: reported as a protocol violation and dropped, not delivered.
    server.faults.sendStreamMessage('all', { stream: 'btcusdt@depth', data: 'negative', seq: -7 });
    server.faults.sendStreamMessage('all', { stream: 'btcusdt@depth', data: 'backwards', seq: 0 });
    server.publish('btcusdt@trade', 5);
    await eventually(() => trades.values.length === 5, 'the message after the anomaly', 3_000);

    expect(trades.values).toEqual([1, 2, 3, 4, 5]);
    expect(book.values).toEqual(['backwards']);
    const violations = session.reportedErrors.filter((error) => error instanceof ProtocolViolationError && !(error instanceof SeqAnomalyError));
    expect(violations.map(({ message }) => message)).toEqual([expect.stringContaining('"seq" must be a non-negative integer')]);
    const anomalies = session.reportedErrors.filter((error) => error instanceof SeqAnomalyError);
    expect(anomalies.map(({ received }) => received)).toEqual([0, 5]);
    // Going back names its own stream; the return to 5 jumps ahead of 1, so every subscribed stream may have missed messages.
    expect(gaps).toEqual([['btcusdt@depth'], ['btcusdt@trade', 'btcusdt@depth']]);
  });
});
