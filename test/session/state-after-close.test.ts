import { firstValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { openSession, startServer, waitForState } from '../helpers/session-harness.js';

describe('state$ after the session closed', () => {
  it('gives a late observer the closed snapshot, then completes', async () => {
    const server = await startServer();
    const session = openSession({ balancer: server.balancerUrl, lazy: false });
    await waitForState(session, 'authorized');
    await session.close();

    // A view that mounts after the end must still be able to show why the session ended.
    const late = await firstValueFrom(session.state$.pipe(toArray()));
    expect(late).toHaveLength(1);
    expect(late[0]?.value).toBe('closed');
    expect(late[0]?.closedReason).toMatchObject({ clientRequested: true });
  });
});
