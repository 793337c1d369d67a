/**
 * Shared sessions in real Chromium: several tabs (pages of one browser context, so Web Locks and
 * BroadcastChannel are shared as in one browser profile) against the reference server. Every test
 * uses its own share name, so tabs of earlier tests (closed or not) cannot interfere.
 */
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedPacket, TestServer } from '../../src/testing/index.js';
import { createTestServer } from '../../src/testing/index.js';
import { shareChannelName } from '../../src/session/shared/shared-session.js';
import { SEQ_NOTICE_EVERY } from '../../src/session/shared/hub.js';
import { PING_INTERVAL_MS } from '../../src/session/shared/timing.js';
import { eventually } from '../helpers/eventually.js';
import { inTab, startTabs, type Tabs } from './tabs.js';

let tabs: Tabs;
let server: TestServer;
/** Answers of the server's SLOW method, held until the test lets them go. */
const slowAnswers: Array<(value: unknown) => void> = [];
let pages: Page[] = [];
let shareCount = 0;

beforeAll(async () => {
  server = await createTestServer({ methods: { SLOW: () => new Promise((resolve) => slowAnswers.push(resolve)) } });
  tabs = await startTabs();
}, 30_000);

afterEach(async () => {
  for (const resolve of slowAnswers.splice(0)) resolve('late');
  await Promise.all(pages.map((page) => page.close().catch(() => undefined)));
  pages = [];
});

afterAll(async () => {
  await tabs?.close();
  await server?.close();
});

/** Opens `count` tabs, each with a shared session of a name no other test uses; the first one opened leads. */
async function openTabs(count: number, target: TestServer = server, share = `feed-${++shareCount}`): Promise<Page[]> {
  const opened: Page[] = [];
  for (let index = 0; index < count; index++) {
    const page = await tabs.open();
    pages.push(page);
    await inTab(page, (tab, options) => tab.open(options), { endpoint: target.endpointUrl, share, requestTimeoutMs: 5_000 });
    opened.push(page);
  }
  await waitFor(async () => (await leaderAmong(opened)) !== undefined, 'a leader');
  return opened;
}

async function leaderAmong(candidates: readonly Page[]): Promise<Page | undefined> {
  for (const page of candidates) {
    if (!page.isClosed() && (await inTab(page, (tab) => tab.isLeader()))) return page;
  }
  return undefined;
}

/** {@link eventually} with the longer default these multi-tab runs need. */
const waitFor = (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> => eventually(condition, what, timeoutMs);

const received = (page: Page, stream: string) => inTab(page, (tab, name) => tab.received[name] ?? [], stream);
/** What a tab received of `stream` without the warm-up messages (`n` 0). */
const counted = async (page: Page, stream: string) => (await received(page, stream)).filter((n) => n !== 0);
const sequence = (count: number, from = 1) => Array.from({ length: count }, (_, index) => from + index);
const packetsOf = (method: string, stream: string) => (packet: ReceivedPacket) =>
  packet.method === method && JSON.stringify((packet.packet as { params?: unknown }).params).includes(`"${stream}"`);

/**
 * A follower's observe() returns before the leader has its claim (it crosses a BroadcastChannel),
 * and until the leader has a follower's claim it keeps the stream to itself: publishes warm-up
 * messages (`{n: 0}`) until each of `pages` got one; from then on every tab gets every message.
 */
async function warmUp(target: TestServer, stream: string, pages: readonly Page[]): Promise<void> {
  const timer = setInterval(() => target.publish(stream, { n: 0 }), 10);
  try {
    for (const page of pages) await waitFor(async () => (await received(page, stream)).length > 0, `a warm-up message of ${stream} in every tab`);
  } finally {
    clearInterval(timer);
  }
}

/** Crashes a tab's renderer: none of its handlers runs. */
async function crash(page: Page): Promise<void> {
  const cdp = await tabs.context.newCDPSession(page);
  void cdp.send('Page.crash').catch(() => undefined);
}

/** Publishes `{n}` to `stream` every few ms from n = 1 until stopped; `stop()` returns the last n. */
function publishSteadily(stream: string): { stop(): number } {
  let n = 0;
  const timer = setInterval(() => server.publish(stream, { n: ++n }), 4);
  return {
    stop() {
      clearInterval(timer);
      return n;
    },
  };
}

describe('a shared session across tabs', () => {
  it('gives three tabs one connection and one SUBSCRIBE, and every tab every message in order', async () => {
    const stream = 'btcusdt@trade';
    const before = server.packets(packetsOf('SUBSCRIBE', stream)).length;
    const connectionsBefore = server.handshakes().length;
    const opened = await openTabs(3);
    for (const page of opened) await inTab(page, (tab, name) => tab.observe(name), stream);
    await waitFor(() => server.hasSubscribers(stream), 'the subscription');
    await warmUp(server, stream, opened);

    for (let n = 1; n <= 300; n++) server.publish(stream, { n });
    for (const page of opened) await waitFor(async () => (await counted(page, stream)).length >= 300, 'every message in every tab');

    expect(server.handshakes().length - connectionsBefore).toBe(1);
    expect(server.connections()).toHaveLength(1);
    expect(server.packets(packetsOf('SUBSCRIBE', stream)).length - before).toBe(1);
    for (const page of opened) expect(await counted(page, stream)).toEqual(sequence(300));
    // Every tab mirrors the leader's state.
    for (const page of opened) expect(await inTab(page, (tab) => tab.snapshot?.value)).toBe('authorized');
    await waitFor(async () => (await inTab(opened[2]!, (tab, name) => tab.streamState(name), stream)) === 'active', 'the stream state in a follower');
  });

  it('unsubscribes a stream when the follower that alone observed it closes, and keeps the others', async () => {
    const [leader, follower] = await openTabs(2);
    await inTab(leader!, (tab) => tab.observe('shared@trade'));
    await inTab(follower!, (tab) => tab.observe('shared@trade'));
    await inTab(follower!, (tab) => tab.observe('alone@trade'));
    await waitFor(() => server.hasSubscribers('alone@trade') && server.hasSubscribers('shared@trade'), 'both subscriptions');

    await follower!.close();
    await server.waitForPacket(packetsOf('UNSUBSCRIBE', 'alone@trade'), 5_000);
    expect(server.hasSubscribers('alone@trade')).toBe(false);
    expect(server.hasSubscribers('shared@trade')).toBe(true);
    expect(server.packets(packetsOf('UNSUBSCRIBE', 'shared@trade'))).toEqual([]);
  });

  it("answers a follower's request in that follower, with its timeout and AbortSignal", async () => {
    const [leader, follower] = await openTabs(2);
    expect(await inTab(follower!, (tab) => tab.request('ECHO', { from: 'follower' }))).toEqual({ result: { from: 'follower' } });
    expect(await inTab(leader!, (tab) => tab.request('ECHO', 'leader'))).toEqual({ result: 'leader' });

    const timedOut = await inTab(follower!, (tab) => tab.request('SLOW', null, { timeoutMs: 300 }));
    expect(timedOut).toMatchObject({ error: { name: 'RequestTimeoutError', code: 'request-timeout' } });
    const aborted = await inTab(follower!, (tab) => tab.request('SLOW', null, { abortAfterMs: 50 }));
    expect(aborted).toMatchObject({ error: { name: 'RequestAbortedError', code: 'aborted' } });
    // A server error keeps its class and fields across the channel.
    const refused = await inTab(follower!, (tab) => tab.request('NO_SUCH_METHOD', null));
    expect(refused).toMatchObject({ error: { name: 'ServerError', code: 'server' } });
  });

  it('refuses bad per-call options in every tab, and reports a close(code, reason) on errors$ while closing, as a session of its own does', async () => {
    const [leader, follower] = await openTabs(2);
    for (const page of [follower!, leader!]) {
      const refusal = await inTab(page, async (tab) => {
        const session = tab.session as unknown as { request(method: string, params: unknown, options: unknown): Promise<unknown> };
        return session.request('ECHO', 1, { timeotMs: 5 }).then(() => 'accepted', (error: Error) => `${error.name}: ${error.message}`);
      });
      expect(refusal).toBe('OptionsError: request.timeotMs is not an option');
      expect(await inTab(page, (tab) => tab.request('ECHO', 'still up'))).toEqual({ result: 'still up' });
    }
    for (const page of [follower!, leader!]) {
      const reported = await inTab(page, async (tab) => {
        const session = tab.session as unknown as { close(...given: unknown[]): Promise<void>; errors$: { subscribe(next: (error: Error) => void): unknown } };
        const errors: string[] = [];
        session.errors$.subscribe((error) => errors.push(`${error.name}: ${error.message}`));
        await session.close(4000, 'bye');
        return errors;
      });
      expect(reported).toContain('OptionsError: close takes no code or reason');
    }
  });

  it('hands over when the leader tab goes: another tab resumes the same server session, and no tab misses or duplicates a message', async () => {
    const stream = 'failover@trade';
    const opened = await openTabs(3);
    for (const page of opened) await inTab(page, (tab, name) => tab.observe(name), stream);
    await waitFor(() => server.hasSubscribers(stream), 'the subscription');
    const leader = (await leaderAmong(opened))!;
    const followers = opened.filter((page) => page !== leader);
    const sessionId = await inTab(leader, (tab) => tab.snapshot?.sessionId);
    const resumesBefore = server.session(sessionId!)!.resumeCount;

    const publisher = publishSteadily(stream);
    await waitFor(async () => (await received(followers[0]!, stream)).length >= 50, 'traffic before the handover');
    const goneAt = Date.now();
    await leader.close();
    await waitFor(async () => (await leaderAmong(followers)) !== undefined, 'a new leader', 5_000);
    const tookOverMs = Date.now() - goneAt;
    await waitFor(() => server.session(sessionId!)?.resumeCount === resumesBefore + 1 && server.session(sessionId!)?.connected === true, 'the resume', 5_000);
    await waitFor(async () => (await received(followers[0]!, stream)).length >= 300, 'traffic after the handover');
    const last = publisher.stop();

    for (const page of followers) {
      await waitFor(async () => (await received(page, stream)).length >= last, `all ${last} messages`);
      expect(await received(page, stream)).toEqual(sequence(last));
      expect(await inTab(page, (tab) => tab.gaps)).toEqual([]);
      expect(await inTab(page, (tab) => tab.snapshot?.sessionId)).toBe(sessionId);
    }
    expect(server.sessions().filter((session) => session.connected)).toHaveLength(1);
    console.log(`shared session: a new leader took over ${tookOverMs} ms after the leader tab closed`);
  });

  /** How the leader goes, and how many messages only it observes come just before: past every notice the count brings. */
  const leaderExits = [
    { how: 'crashes', soloMessages: 2 * SEQ_NOTICE_EVERY + 30 },
    { how: 'closes its page', soloMessages: SEQ_NOTICE_EVERY - 10 },
    { how: 'calls close()', soloMessages: SEQ_NOTICE_EVERY - 10 },
  ] as const;
  for (const { how, soloMessages } of leaderExits) {
    it(`keeps a stream only the leader observes in the leader's tab, and when the leader ${how} the takeover resumes past its messages`, async () => {
      // 50 messages of replay: a successor resuming from before the messages below could not resume.
      const small = await createTestServer({ replayBufferSize: 50 });
      try {
        const share = `feed-${++shareCount}`;
        const opened = await openTabs(2, small, share);
        const leader = (await leaderAmong(opened))!;
        const follower = opened.find((page) => page !== leader)!;
        await inTab(follower, (tab, name) => tab.spyOnChannel(name), shareChannelName(share));
        await inTab(leader, (tab) => tab.observe('solo@trade'));
        await inTab(leader, (tab) => tab.observe('both@trade'));
        await inTab(follower, (tab) => tab.observe('both@trade'));
        await waitFor(() => small.hasSubscribers('solo@trade') && small.hasSubscribers('both@trade'), 'the subscriptions');
        await warmUp(small, 'both@trade', [follower]);
        small.publish('both@trade', { n: 1 });
        for (let n = 1; n <= soloMessages; n++) small.publish('solo@trade', { n });
        await waitFor(async () => (await received(leader, 'solo@trade')).length === soloMessages && (await counted(follower, 'both@trade')).length === 1, 'every message');
        const posted = await inTab(follower, (tab) => tab.posted);
        expect(posted).toContain('both@trade');
        expect(posted).not.toContain('solo@trade');

        // At once, so that (most likely) no ping's notice came since the burst: the notice of the count or of the exit carries the follower.
        const sessionId = await inTab(leader, (tab) => tab.snapshot?.sessionId);
        if (how === 'crashes') {
          await crash(leader);
        } else if (how === 'closes its page') {
          await leader.close();
        } else {
          await inTab(leader, (tab) => tab.close());
        }
        await waitFor(async () => (await leaderAmong([follower])) !== undefined, 'the follower to lead', 5_000);
        await waitFor(() => small.session(sessionId!)?.connected === true && small.session(sessionId!)!.resumeCount > 0, 'the resume', 5_000);
        small.publish('both@trade', { n: 2 });
        await waitFor(async () => (await counted(follower, 'both@trade')).length === 2, 'a message after the takeover');
        expect(await counted(follower, 'both@trade')).toEqual([1, 2]);
        expect(await inTab(follower, (tab) => tab.gaps)).toEqual([]);
        expect(await inTab(follower, (tab) => tab.snapshot?.sessionId)).toBe(sessionId);
      } finally {
        await small.close();
      }
    });
  }

  it('gives a tab that joins in a quiet spell the last seq, so that it can resume after the leader crashes', async () => {
    const small = await createTestServer({ replayBufferSize: 50 });
    try {
      const share = `feed-${++shareCount}`;
      const [leader] = await openTabs(1, small, share);
      await inTab(leader!, (tab) => tab.observe('solo@trade'));
      await waitFor(() => small.hasSubscribers('solo@trade'), 'the subscription');
      for (let n = 1; n <= 120; n++) small.publish('solo@trade', { n });
      await waitFor(async () => (await received(leader!, 'solo@trade')).length === 120, 'every message');
      // Past the next ping, whose notice covers the burst: after it, nothing is left to announce.
      await new Promise((resolve) => setTimeout(resolve, 2 * PING_INTERVAL_MS));

      const joiner = await tabs.open();
      pages.push(joiner);
      await inTab(joiner, (tab, options) => tab.open(options), { endpoint: small.endpointUrl, share, requestTimeoutMs: 5_000 });
      await inTab(joiner, (tab) => tab.observe('quiet@trade'));
      await waitFor(() => small.hasSubscribers('quiet@trade'), "the joiner's claim");
      const sessionId = await inTab(leader!, (tab) => tab.snapshot?.sessionId);
      await crash(leader!);
      await waitFor(async () => (await leaderAmong([joiner])) !== undefined, 'the joiner to lead', 5_000);
      await waitFor(() => small.session(sessionId!)?.connected === true && small.session(sessionId!)!.resumeCount > 0, 'the resume', 5_000);
      expect(await inTab(joiner, (tab) => tab.gaps)).toEqual([]);
      expect(await inTab(joiner, (tab) => tab.snapshot?.sessionId)).toBe(sessionId);
    } finally {
      await small.close();
    }
  });

  it('hands over on close() in the leader: the connection stays until the successor resumes it, then close() resolves', async () => {
    const stream = 'handover@trade';
    const opened = await openTabs(2);
    for (const page of opened) await inTab(page, (tab, name) => tab.observe(name), stream);
    await waitFor(() => server.hasSubscribers(stream), 'the subscription');
    const leader = (await leaderAmong(opened))!;
    const follower = opened.find((page) => page !== leader)!;
    const sessionId = await inTab(leader, (tab) => tab.snapshot?.sessionId);

    const publisher = publishSteadily(stream);
    await waitFor(async () => (await received(follower, stream)).length >= 50, 'traffic before the handover');
    await inTab(leader, (tab) => tab.close());
    expect(await inTab(leader, (tab) => tab.closedWith)).toEqual({ code: 1000, clientRequested: true });
    expect(await inTab(leader, (tab, name) => tab.completed.includes(name), stream)).toBe(true);
    expect(await inTab(follower, (tab) => tab.isLeader())).toBe(true);
    // The server took the session over from the old connection (4000) rather than losing it.
    expect(server.disconnects().some((record) => record.sessionId === sessionId && record.code === 4000)).toBe(true);
    await waitFor(async () => (await received(follower, stream)).length >= 250, 'traffic after the handover');
    const last = publisher.stop();
    await waitFor(async () => (await received(follower, stream)).length >= last, `all ${last} messages`);
    expect(await received(follower, stream)).toEqual(sequence(last));
    expect(await inTab(follower, (tab) => tab.snapshot?.sessionId)).toBe(sessionId);
  });

  it('releases the streams of a crashed tab and of a stopped one; a stopped tab that runs again claims them again and hears of the gap', async () => {
    const [leader, crashing, stopping] = await openTabs(3);
    await inTab(leader!, (tab) => tab.observe('kept@trade'));
    await inTab(crashing!, (tab) => tab.observe('crashed@trade'));
    await inTab(stopping!, (tab) => tab.observe('stopped@trade'));
    await waitFor(() => ['kept@trade', 'crashed@trade', 'stopped@trade'].every((name) => server.hasSubscribers(name)), 'the subscriptions');

    await crash(crashing!);
    // A tab whose script does not run (frozen by the browser, or stuck): stopped in the debugger, it
    // answers no ping. (CDP's Page.setWebLifecycleState 'frozen' has no effect on a visible headless page.)
    const stopCdp: CDPSession = await tabs.context.newCDPSession(stopping!);
    await stopCdp.send('Debugger.enable');
    await stopCdp.send('Debugger.pause');

    await waitFor(() => server.packets(packetsOf('UNSUBSCRIBE', 'crashed@trade')).length > 0, 'the crashed tab\'s stream to be unsubscribed');
    await waitFor(() => server.packets(packetsOf('UNSUBSCRIBE', 'stopped@trade')).length > 0, 'the stopped tab\'s stream to be unsubscribed');
    expect(server.hasSubscribers('kept@trade')).toBe(true);

    const subscribesBefore = server.packets(packetsOf('SUBSCRIBE', 'stopped@trade')).length;
    await stopCdp.send('Debugger.resume');
    await stopCdp.send('Debugger.disable');
    await waitFor(() => server.packets(packetsOf('SUBSCRIBE', 'stopped@trade')).length > subscribesBefore, 'the tab to claim its stream again');
    await waitFor(async () => (await inTab(stopping!, (tab) => tab.gaps)).some((names) => names.includes('stopped@trade')), 'the gap in the tab');
    await stopCdp.detach();
  });

  it('starts a fresh session when the leader goes and the server cannot resume: every observed stream is subscribed again and gaps$ fires in every tab', async () => {
    const forgetful = await createTestServer({ resumeWindowMs: 0 });
    try {
      const opened = await openTabs(3, forgetful);
      const [first, second, third] = opened;
      await inTab(first!, (tab) => tab.observe('a@trade'));
      await inTab(second!, (tab) => tab.observe('b@trade'));
      await inTab(third!, (tab) => tab.observe('a@trade'));
      await waitFor(() => forgetful.hasSubscribers('a@trade') && forgetful.hasSubscribers('b@trade'), 'the subscriptions');
      const leader = (await leaderAmong(opened))!;
      const oldSession = await inTab(leader, (tab) => tab.snapshot?.sessionId);
      const others = opened.filter((page) => page !== leader);

      await leader.close();
      await waitFor(() => forgetful.sessions().some((session) => session.sessionId !== oldSession && session.connected), 'a fresh session', 8_000);
      await waitFor(() => forgetful.hasSubscribers('a@trade') && forgetful.hasSubscribers('b@trade'), 'the subscriptions on the fresh session');
      for (const page of others) {
        await waitFor(async () => (await inTab(page, (tab) => tab.gaps)).length > 0, 'gaps$ in every tab');
        const names = await inTab(page, (tab, observed) => tab.gaps.flat().filter((name) => observed.includes(name)), ['a@trade', 'b@trade']);
        expect(names.length).toBeGreaterThan(0);
      }
      // seq starts over on the fresh session: tabs must not drop its messages as old ones.
      forgetful.publish('a@trade', { n: 1 });
      await waitFor(async () => (await received(third!, 'a@trade')).includes(1), 'a message of the fresh session');
    } finally {
      await Promise.all(pages.map((page) => page.close().catch(() => undefined)));
      pages = [];
      await forgetful.close();
    }
  });

  it('closes the connection once the last tab closes', async () => {
    const opened = await openTabs(2);
    await inTab(opened[0]!, (tab) => tab.observe('last@trade'));
    await waitFor(() => server.hasSubscribers('last@trade'), 'the subscription');
    const connected = server.connections().length;
    for (const page of opened) await inTab(page, (tab) => tab.close());
    await waitFor(() => server.connections().length === connected - 1, 'the connection to close');
    expect(server.disconnects().at(-1)).toMatchObject({ code: 1000, initiatedBy: 'client' });
  });
});
