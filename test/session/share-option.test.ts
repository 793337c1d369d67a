/**
 * `share` in Node: there is no navigator.locks to elect a leader with, so a shared session is
 * refused at once with an OptionsError instead of silently opening a socket per session.
 * (Sharing itself is tested in Chromium: test/shared-session/.)
 */
import { describe, expect, it } from 'vitest';
import { OptionsError, createSession } from '../../src/node.js';

describe('the share option in Node', () => {
  it('is refused with an OptionsError that says why', () => {
    const attempt = () => createSession({ endpoint: 'ws://127.0.0.1:1/ws', share: 'market-feed' });
    expect(attempt).toThrow(OptionsError);
    expect(attempt).toThrow(/navigator\.locks/);
  });

  it('must be a non-empty string', () => {
    expect(() => createSession({ endpoint: 'ws://127.0.0.1:1/ws', share: '' })).toThrow(/share must be a non-empty string/);
    expect(() => createSession({ endpoint: 'ws://127.0.0.1:1/ws', share: 42 as unknown as string })).toThrow(OptionsError);
  });

  it('leaves a session without it as it was', async () => {
    const session = createSession({ endpoint: 'ws://127.0.0.1:1/ws' });
    expect(() => session.actor).not.toThrow();
    await session.close();
  });
});
