import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ConnectionLostError } from '../../src/node.js';
import type { DirectSend } from '../../src/machine/types.js';
import { eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';

/** Counts the SEND events any actor of the session received (the machine, or the socket it forwards to). */
function countSendEvents(): { inspect: (event: InspectionEvent) => void; count: () => number } {
  let sends = 0;
  return {
    inspect: (event) => {
      if (event.type === '@xstate.event' && event.event.type === 'SEND') sends++;
    },
    count: () => sends,
  };
}

describe('requests while authorized take the socket directly', () => {
  it('sends requests made while authorized, and requests queued before, without a SEND event through the machine', async () => {
    const server = await startServer({ auth: { licenses: ['L'] } });
    server.faults.delayInitialize(50, 1);
    const sends = countSendEvents();
    const session = openSession({ endpoint: server.endpointUrl, auth: { license: 'L' }, inspect: sends.inspect });
    const queued = [session.request('ECHO', 'first'), session.request('ECHO', 'second')];
    await waitForState(session, 'authorized');
    const answers = await Promise.all([...queued, session.request('ECHO', 'third')]);
    expect(answers).toEqual(['first', 'second', 'third']);
    expect(sends.count()).toBe(0);
  });

  it('hands the send function out on ready and makes it refuse once the connection is lost', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    const handed: Array<DirectSend | undefined> = [];
    // Lazy: nothing has connected yet, so the listener sees the first ready.
    session.actor.on('ready', ({ send }) => handed.push(send));
    await session.ready();
    expect(handed).toHaveLength(1);
    const send = handed[0];
    expect(send).toBeTypeOf('function');
    expect(await session.request('ECHO', 'over the new socket')).toBe('over the new socket');

    // The socket it belongs to goes away: the stale function refuses instead of sending.
    expect(server.faults.dropConnection()).toBe(1);
    await eventually(() => !session.actor.getSnapshot().matches({ connection: 'authorized' }), 'the drop to be seen', 5_000);
    const refused = send?.(999_999, { kind: 'call', method: 'ECHO', params: 'stale' });
    expect(refused).toBeInstanceOf(ConnectionLostError);
  });
});
