/**
 * Drops and closes in the browser. A browser reads no handshake response headers, so the only
 * Resume-Id it has is the one in the INITIALIZE result: these tests show that is enough to resume.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, SessionClosedError } from '../../src/index.js';
import { eventually, openSession, remoteServer, serverUrls, uniqueStream, waitForNextState, waitForState } from './harness.js';

const open = remoteServer('open');

/** The Resume-Id the session holds now, read from its machine (where it came from the INITIALIZE result). */
function heldResumeId(session: ReturnType<typeof openSession>): string | undefined {
  return session.actor.getSnapshot().context.resumeId;
}

describe('resume in the browser', () => {
  it('resumes the same session after a drop, with the Resume-Id from the INITIALIZE result, and loses no message', async () => {
    const session = openSession({ balancer: serverUrls('open').balancerUrl, codecs: ['json'] });
    const stream = uniqueStream('resume');
    const received: number[] = [];
    session.stream<{ n: number }>(stream).subscribe((data) => received.push(data.n));
    await eventually(() => open.hasSubscribers(stream), 'the server to see the subscription');
    const before = await waitForState(session, 'authorized');
    expect(before.connectionId).toBeUndefined();
    const resumeId = heldResumeId(session);
    expect(resumeId).toEqual(expect.any(String));
    expect(await open.publish(stream, { n: 1 })).toBe(1);
    await eventually(() => received.length === 1, 'the first message');

    const reauthorized = waitForNextState(session, 'authorized');
    expect(await open.dropConnection(before.sessionId as string)).toBe(1);
    // Published while the session is down or resuming: held for the replay, or sent live after it.
    for (let n = 2; n <= 4; n++) expect(await open.publish(stream, { n })).toBe(1);
    const after = await reauthorized;

    expect(after.resumed).toBe(true);
    expect(after.sessionId).toBe(before.sessionId);
    expect(after.lastClose?.code).toBe(1006);
    expect(session.states.map((state) => state.value)).toContain('resuming');
    await eventually(() => received.length >= 4, 'the missed messages');
    expect(received).toEqual([1, 2, 3, 4]);

    // The resume went out as a query parameter (the portable form), with the id from INITIALIZE;
    // a browser cannot send the Resume-Id header.
    const resumeHandshake = (await open.handshakes()).find((handshake) => handshake.requestedResumeId === resumeId);
    expect(resumeHandshake?.query['resume']).toBe(resumeId);
    expect(resumeHandshake?.headers['resume-id']).toBeUndefined();
    expect(resumeHandshake?.outcome).toBe('accepted');
    // Every successful handshake issues a new Resume-Id, and the browser picked it up again.
    expect(heldResumeId(session)).not.toBe(resumeId);
  });

  it('ends in closed on a fatal close (4000), without reconnecting', async () => {
    const session = openSession({ balancer: serverUrls('open').balancerUrl });
    const stream = uniqueStream('fatal');
    let streamError: unknown;
    session.stream(stream).subscribe({ error: (error: unknown) => (streamError = error) });
    const authorized = await waitForState(session, 'authorized');
    await eventually(() => open.hasSubscribers(stream), 'the server to see the subscription');

    const closing = waitForState(session, 'closed');
    expect(await open.closeConnection(authorized.sessionId as string, 4000, 'taken over')).toBe(1);
    const closed = await closing;
    expect(closed.closedReason).toMatchObject({ code: 4000, reason: 'taken over', clientRequested: false });
    expect(closed.closedReason?.error).toBeInstanceOf(ConnectionClosedError);
    await expect(session.closed).resolves.toMatchObject({ code: 4000 });
    expect(session.states.map((state) => state.value)).not.toContain('reconnecting');
    expect(session.states.map((state) => state.value)).not.toContain('resuming');
    expect(streamError).toBeDefined();
    await expect(session.request('ECHO', {})).rejects.toBeInstanceOf(SessionClosedError);
  });
});
