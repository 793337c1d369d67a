/**
 * serveDevtools over real HTTP and WebSocket (port 0 on 127.0.0.1): the page and its script, the
 * feed's hello and transitions with the close of a drop, nothing listening to the session while
 * no page is open, redaction, refusal of other origins, and a close that leaves nothing behind.
 */
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { serveDevtools, type DevtoolsRecord, type HelloRecord, type TransitionRecord } from '../../src/devtools/node.js';
import { OptionsError } from '../../src/index.js';
import { waitForState } from '../helpers/session-waits.js';
import { afterThisTest, eventually, openSession, startServer } from './fixtures.js';

/** A viewer of the feed: every record it received, parsed. */
async function view(url: string, headers: Record<string, string> = {}): Promise<{ socket: WebSocket; records: DevtoolsRecord[]; texts: string[] }> {
  const socket = new WebSocket(new URL('feed', url.replace(/^http/, 'ws')), { headers });
  const records: DevtoolsRecord[] = [];
  const texts: string[] = [];
  socket.on('message', (data) => {
    texts.push(String(data));
    records.push(JSON.parse(String(data)) as DevtoolsRecord);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  afterThisTest(() => socket.terminate());
  return { socket, records, texts };
}

/** Counts the inspection observers registered on the session's actor system. */
function countInspectors(session: ReturnType<typeof openSession>): { readonly active: number } {
  const system = session.actor.system;
  const original = system.inspect.bind(system);
  let active = 0;
  system.inspect = (observer) => {
    active++;
    const subscription = original(observer);
    return { unsubscribe: () => (active--, subscription.unsubscribe()) };
  };
  return {
    get active() {
      return active;
    },
  };
}

describe('serveDevtools', () => {
  it('serves the page and its script on 127.0.0.1', async () => {
    const server = await startServer();
    const session = openSession({ balancer: server.balancerUrl });
    const devtools = await serveDevtools(session, { port: 0 });
    afterThisTest(() => devtools.close());
    expect(devtools.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const page = await fetch(devtools.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('<script src="devtools.js"></script>');
    const script = await fetch(new URL('devtools.js', devtools.url));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    // The panel with ELK inside.
    expect((await script.text()).length).toBeGreaterThan(500_000);
    expect((await fetch(new URL('nothing-here', devtools.url))).status).toBe(404);
  }, 30_000);

  it('feeds a page the picture, then every transition, with the close of a drop; it listens only while a page is open', async () => {
    const server = await startServer();
    const session = openSession({ balancer: server.balancerUrl });
    const inspectors = countInspectors(session);
    const devtools = await serveDevtools(session, { port: 0, sampleIntervalMs: 50 });
    afterThisTest(() => devtools.close());
    session.stream('btcusdt@trade').subscribe();
    const authorized = await waitForState(session, 'authorized');
    // Nobody watches: nothing listens to the session.
    expect(devtools.viewers).toBe(0);
    expect(inspectors.active).toBe(0);

    const viewer = await view(devtools.url);
    await eventually(() => viewer.records.length > 0, 'the hello');
    const hello = viewer.records[0] as HelloRecord;
    expect(hello.type).toBe('hello');
    expect(hello.state).toContain('connection.authorized');
    expect(hello.value).toBe('authorized');
    expect(hello.chart.states.map((state) => state.id)).toEqual(
      expect.arrayContaining(['idle', 'resolving', 'preparing', 'connection', 'connection.opening', 'connection.initializing', 'connection.authorizing', 'connection.authorized', 'reconnecting', 'closed']),
    );
    expect(hello.context.sessionId).toBe(authorized.sessionId);
    expect(devtools.viewers).toBe(1);
    expect(inspectors.active).toBe(1);

    server.publish('btcusdt@trade', { price: 1 });
    await eventually(() => viewer.records.some((record) => record.type === 'streams' && record.rows.some((row) => row.name === 'btcusdt@trade' && row.messages === 1)), 'a streams sample with the message');

    expect(server.faults.dropConnection()).toBe(1);
    await waitForState(session, 'resuming');
    await waitForState(session, 'authorized');
    await eventually(() => viewer.records.some((record) => record.type === 'transition' && record.to.some((state) => state.startsWith('connection.authorized')) && record.from.some((state) => state.startsWith('connection.initializing'))), 'the step back to authorized');
    const transitions = viewer.records.filter((record): record is TransitionRecord => record.type === 'transition');
    const drop = transitions.find((record) => record.close !== undefined);
    expect(drop).toMatchObject({ event: 'SOCKET.CLOSED', to: ['reconnecting'], close: { code: 1006 } });
    expect(drop?.retryDelayMs).toEqual(expect.any(Number));
    const tops = transitions.map((record) => record.value);
    expect(tops.indexOf('reconnecting')).toBeLessThan(tops.indexOf('resuming'));
    expect(tops.at(-1)).toBe('authorized');

    // The last page leaves: the feed stops listening.
    viewer.socket.close(1000);
    await eventually(() => devtools.viewers === 0, 'the viewer to leave');
    expect(inspectors.active).toBe(0);
  });

  it('sends no token, query secret or raw Resume-Id', async () => {
    const token = 'serve-token-7c1e9a';
    const server = await startServer({ auth: { tokens: [token] } });
    const session = openSession({ balancer: `${server.balancerUrl}/?key=QUERY-SECRET-42x`, auth: { token } });
    const devtools = await serveDevtools(session, { port: 0 });
    afterThisTest(() => devtools.close());
    const viewer = await view(devtools.url);
    session.start();
    await waitForState(session, 'authorized');
    server.faults.dropConnection();
    await waitForState(session, 'resuming');
    await waitForState(session, 'authorized');
    await eventually(() => viewer.records.filter((record) => record.type === 'transition' && record.value === 'authorized').length >= 2, 'the resume in the feed');
    const resumeId = session.actor.getSnapshot().context.resumeId as string;
    const everything = viewer.texts.join('\n');
    for (const secret of [token, 'QUERY-SECRET-42x', resumeId]) expect(everything).not.toContain(secret);
    expect(everything).toContain(`••••${resumeId.slice(-4)}`);
  });

  it('refuses pages of other origins and other host names, and leaves nothing when closed', async () => {
    const server = await startServer();
    const session = openSession({ balancer: server.balancerUrl });
    const devtools = await serveDevtools(session, { port: 0 });
    afterThisTest(() => devtools.close());
    const port = new URL(devtools.url).port;
    await expect(view(devtools.url, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(view(devtools.url, { host: `rebound.example:${port}` })).rejects.toThrow(/403/);
    const viewer = await view(devtools.url, { origin: `http://127.0.0.1:${port}` });
    const closed = new Promise<number>((resolve) => viewer.socket.once('close', resolve));
    await devtools.close();
    expect(await closed).toBe(1001);
    await expect(fetch(devtools.url)).rejects.toThrow();
  });

  it('rejects a bad port with an OptionsError', async () => {
    const server = await startServer();
    const session = openSession({ balancer: server.balancerUrl });
    await expect(serveDevtools(session, { port: -1 })).rejects.toBeInstanceOf(OptionsError);
    await expect(serveDevtools(session, { port: 1.5 })).rejects.toThrow(/port must be an integer/);
  });
});
