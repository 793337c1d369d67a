/**
 * `openSession(options, resumeFrom)`: a session that starts from a known resume point (what a
 * shared session's new leader does) resumes that server session instead of starting a new one,
 * gets the messages after `lastSeq` replayed, and falls back to a fresh session with gaps$ when the
 * server no longer holds it.
 */
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { openSession as openResumable, type OpenedSession } from '../../src/session.js';
import type { SessionOptions } from '../../src/session/options.js';
import { emitterSocketFeatures } from '../../src/transport/emitter-features.js';
import type { WebSocketConstructor } from '../../src/transport/types.js';
import { FAST, eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';

function resumeSession(options: SessionOptions, resumeFrom: Parameters<typeof openResumable>[1]): OpenedSession {
  // As the Node entry opens it: ws with its socket features.
  return openResumable({ ...FAST, WebSocket: WebSocket as unknown as WebSocketConstructor, ...options }, resumeFrom, emitterSocketFeatures);
}

describe('a session started from a resume point', () => {
  it("resumes another client's server session, which gets the messages after lastSeq again", async () => {
    const server = await startServer({ resumeWindowMs: 5_000 });
    const first = openSession({ endpoint: server.endpointUrl });
    const seen: number[] = [];
    let firstEnded: unknown;
    first.stream<{ n: number }>('a@trade').subscribe({ next: ({ n }) => seen.push(n), error: (error: unknown) => (firstEnded = error) });
    await eventually(() => server.hasSubscribers('a@trade'));
    for (let n = 1; n <= 5; n++) server.publish('a@trade', { n });
    await eventually(() => seen.length === 5);
    const { endpoint, resumeId, sessionId } = first.actor.getSnapshot().context;

    const second = resumeSession({ endpoint: server.endpointUrl }, { endpoint: endpoint!, resumeId: resumeId!, sessionId: sessionId!, lastSeq: 3 });
    const replayed: number[] = [];
    second.stream<{ n: number }>('a@trade').subscribe(({ n }) => replayed.push(n));
    const ready = await waitForState(second, 'authorized');
    try {
      expect(ready.resumed).toBe(true);
      expect(ready.sessionId).toBe(sessionId);
      expect(server.handshakes().at(-1)?.requestedResumeId).toBe(resumeId);
      expect(server.packets((packet) => packet.method === 'INITIALIZE').at(-1)?.packet).toMatchObject({ params: { lastSeq: 3 } });
      await eventually(() => replayed.length === 2);
      expect(replayed).toEqual([4, 5]);
      // The server hands the session over: the first client's connection is closed with 4000.
      await eventually(() => server.disconnects().some((record) => record.code === 4000));
      await eventually(() => firstEnded !== undefined);
      expect(firstEnded).toMatchObject({ closeCode: 4000 });
    } finally {
      await second.close();
    }
  });

  it('starts a fresh session when the server no longer holds it', async () => {
    const server = await startServer();
    const second = resumeSession({ endpoint: server.endpointUrl }, { endpoint: server.endpointUrl, resumeId: 'gone', sessionId: 'gone', lastSeq: 9 });
    try {
      second.start();
      const ready = await waitForState(second, 'authorized');
      expect(ready.resumed).toBe(false);
      expect(ready.sessionId).not.toBe('gone');
      expect(server.handshakes()[0]?.requestedResumeId).toBe('gone');
    } finally {
      await second.close();
    }
  });
});
