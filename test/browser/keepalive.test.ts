/**
 * A browser cannot send WebSocket ping frames, and a gateway that counts only what it receives
 * (docs/protocol.md section 9) idles out a connection that only receives. The session's liveness
 * check sends the reference protocol's ping when it has sent nothing for a heartbeat, so a
 * receive-only session stays up however long the stream runs.
 */
import { describe, expect, it } from 'vitest';
import { GATEWAY_IDLE_MS } from './fixtures.js';
import { eventually, openSession, remoteServer, serverUrls, uniqueStream, waitForState } from './harness.js';

describe('in the browser: keepalive against an idle limit', () => {
  it('keeps a receive-only connection up past the idle limit of a server that counts only what it receives', async () => {
    const server = remoteServer('gateway');
    const stream = uniqueStream('keepalive');
    const session = openSession({ balancer: serverUrls('gateway').balancerUrl, heartbeatMs: 300, lazy: false });
    let received = 0;
    const subscription = session.stream(stream).subscribe(() => received++);
    try {
      await waitForState(session, 'authorized');
      await eventually(() => server.hasSubscribers(stream), 'the subscription to reach the server', 5_000);
      // Messages keep arriving the whole time, so the liveness check never finds the connection
      // quiet: only a keepalive of the client's own keeps the server's idle timer from firing.
      const until = performance.now() + GATEWAY_IDLE_MS * 2.5;
      let published = 0;
      while (performance.now() < until) {
        published += await server.publish(stream, { n: published });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await eventually(() => received === published, 'every published message to arrive', 2_000);
      const seen = session.states.map((state) => state.value);
      expect(seen.slice(seen.indexOf('authorized'))).toEqual(['authorized']);
      expect(session.states.at(-1)?.lastClose).toBeUndefined();
    } finally {
      subscription.unsubscribe();
    }
  });
});
