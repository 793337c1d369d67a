/**
 * The devtools panel in Chromium, attached to sessions on the browser's own WebSocket: it draws
 * every state of the machine, follows a drop through reconnecting and resuming back to authorized
 * with the close code in its log, replays the records of that run to the same highlighted states,
 * and shows no secret anywhere in the DOM.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attachDevtools, createDevtoolsFeed, createPanel, encodeRecord, parseRecording, type AttachedDevtools, type DevtoolsPanel } from '../../src/devtools/index.js';
import { chartOf } from '../../src/devtools/chart.js';
import { sessionMachine } from '../../src/index.js';
import { BROWSER_PASSWORD, BROWSER_TOKEN, BROWSER_USER } from './fixtures.js';
import { eventually, openSession, remoteServer, serverUrls, uniqueStream, waitForState } from './harness.js';

/** The chart's states that `state$` names by their phase (see `publicStateName`), besides its top-level ones. */
const TOP_LEVEL_STATES = ['idle', 'resolving', 'preparing', 'connection', 'connection.opening', 'connection.initializing', 'connection.authorizing', 'connection.authorized', 'reconnecting', 'closed'];

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function container(): HTMLElement {
  const element = document.createElement('div');
  document.body.append(element);
  cleanups.push(() => element.remove());
  return element;
}

function attach(...args: Parameters<typeof attachDevtools>): AttachedDevtools {
  const devtools = attachDevtools(...args);
  cleanups.push(() => devtools.detach());
  return devtools;
}

/**
 * The top-level states as the chart highlights them, in order: every class change that makes a
 * state group active is one entry (a MutationObserver sees each change, however quick).
 */
function watchHighlights(panel: DevtoolsPanel): { readonly sequence: string[]; stop(): void } {
  const sequence: string[] = [];
  const observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      const id = (mutation.target as Element).getAttribute('data-state');
      // The only class that changes is wsd-active: a change from a class list without it made the state active.
      const wasActive = (mutation.oldValue ?? '').split(/\s+/).includes('wsd-active');
      if (id !== null && !id.includes('.') && !wasActive) sequence.push(id);
    }
  });
  observer.observe(panel.element, { subtree: true, attributes: true, attributeFilter: ['class'], attributeOldValue: true });
  cleanups.push(() => observer.disconnect());
  return { sequence, stop: () => observer.disconnect() };
}

function highlighted(panel: DevtoolsPanel): string[] {
  return [...panel.element.querySelectorAll('svg g.wsd-state.wsd-active')].map((group) => group.getAttribute('data-state') as string);
}

describe('the devtools panel', () => {
  it('draws every state of the machine, from the machine itself', async () => {
    const session = openSession({ balancer: serverUrls('open').balancerUrl });
    const { panel } = attach(session, container());
    await panel.whenDrawn();
    const drawn = [...panel.element.querySelectorAll('svg g.wsd-state')].map((group) => group.getAttribute('data-state'));
    expect(drawn.sort()).toEqual(chartOf(sessionMachine).states.map((state) => state.id).sort());
    for (const name of TOP_LEVEL_STATES) expect(drawn).toContain(name);
    expect(panel.element.querySelectorAll('svg g.wsd-edge').length).toBe(chartOf(sessionMachine).edges.length);
    // A lazy session that has not started: idle is the highlighted state.
    expect(highlighted(panel)).toEqual(['idle']);
  });

  it('follows a drop through reconnecting and resuming back to authorized, logs the close code, and replays to the same states', async () => {
    const open = remoteServer('open');
    const session = openSession({ balancer: serverUrls('open').balancerUrl, reconnect: { initialDelayMs: 100, maxDelayMs: 200 } });
    // The same feed the panel reads, written as a recording would be.
    const feed = createDevtoolsFeed(session);
    const lines = [encodeRecord(feed.hello())];
    const stopRecording = feed.subscribe((record) => lines.push(encodeRecord(record)));
    cleanups.push(stopRecording);
    const { panel } = attach(session, container());
    await panel.whenDrawn();
    const live = watchHighlights(panel);

    const stream = uniqueStream('devtools');
    session.stream(stream).subscribe();
    const authorized = await waitForState(session, 'authorized');
    await eventually(() => open.hasSubscribers(stream), 'the server to see the subscription');
    expect(panel.element.querySelector('.wsd-badge')?.getAttribute('data-state')).toBe('authorized');
    const beforeDrop = live.sequence.length;

    expect(await open.dropConnection(authorized.sessionId as string)).toBe(1);
    await eventually(
      () => panel.element.querySelector('.wsd-log-table tbody tr')?.getAttribute('data-to')?.startsWith('connection.authorized') === true && live.sequence.length > beforeDrop + 2,
      'the panel to show authorized again',
    );
    const afterDrop = live.sequence.slice(beforeDrop);
    expect(afterDrop[0]).toBe('reconnecting');
    expect(afterDrop).toContain('preparing');
    expect(afterDrop.indexOf('reconnecting')).toBeLessThan(afterDrop.indexOf('preparing'));
    expect(afterDrop.at(-1)).toBe('connection');
    expect(highlighted(panel)).toContain('connection.authorized');
    // The records name the public states: the attempt after the drop is a resume.
    const values = lines.map((line) => JSON.parse(line) as { value?: string }).flatMap((record) => (record.value === undefined ? [] : [record.value]));
    expect(values.lastIndexOf('reconnecting')).toBeLessThan(values.lastIndexOf('resuming'));
    expect(values.at(-1)).toBe('authorized');

    // The log names the close: 1006, on the step into reconnecting, with the retry delay.
    const closeRow = panel.element.querySelector('.wsd-log-table tbody tr[data-close]') as HTMLTableRowElement;
    expect(closeRow.getAttribute('data-close')).toBe('1006');
    expect(closeRow.getAttribute('data-to')).toBe('reconnecting');
    expect(closeRow.cells[3]?.textContent).toBe('1006');
    expect(closeRow.cells[4]?.textContent).toMatch(/^\d+ ms$/);
    expect(panel.element.querySelector('[data-field="last close"]')?.textContent).toBe('1006');
    // The chart marks the edge of the last transition.
    expect(panel.element.querySelector('svg g.wsd-edge.wsd-last')?.getAttribute('data-edge')).toMatch(/->connection\.authorized$/);

    // Replayed from its records, step by step, the chart goes through the same states.
    live.stop();
    stopRecording();
    const records = parseRecording(lines.join(''));
    const replayPanel = createPanel(container());
    cleanups.push(() => replayPanel.destroy());
    replayPanel.replay(records, 'run.jsonl');
    await replayPanel.whenDrawn();
    const replayed = watchHighlights(replayPanel);
    const next = replayPanel.element.querySelector('.wsd-step-forward') as HTMLButtonElement;
    const slider = replayPanel.element.querySelector('.wsd-slider') as HTMLInputElement;
    for (let steps = 0; steps < records.length && slider.value !== String(records.at(-1)?.t); steps++) next.click();
    expect(slider.value).toBe(String(records.at(-1)?.t));
    // MutationObserver reports after the current task.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(replayed.sequence).toEqual(live.sequence);
    expect(replayed.sequence).toEqual(expect.arrayContaining(['resolving', 'connection', 'reconnecting', 'preparing']));
  });

  it('shows no token, password, query secret or raw Resume-Id anywhere in the DOM', async () => {
    const apiKey = 'QUERY-SECRET-9f31c2';
    const withPassword = openSession({ balancer: `${serverUrls('password').balancerUrl}/?apikey=${apiKey}`, auth: { username: BROWSER_USER, password: BROWSER_PASSWORD } });
    const withToken = openSession({ balancer: serverUrls('token').balancerUrl, auth: { token: BROWSER_TOKEN } });
    const resumeIds = new Set<string>();
    for (const session of [withPassword, withToken]) {
      const subscription = session.actor.subscribe((snapshot) => {
        if (snapshot.context.resumeId !== undefined) resumeIds.add(snapshot.context.resumeId);
      });
      cleanups.push(() => subscription.unsubscribe());
      attach(session, container());
      session.start();
    }
    const first = await waitForState(withPassword, 'authorized');
    await waitForState(withToken, 'authorized');
    // A resume brings a second Resume-Id to hide.
    expect(await remoteServer('password').dropConnection(first.sessionId as string)).toBe(1);
    await eventually(() => withPassword.actor.getSnapshot().context.readyCount >= 2, 'the resume');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const dom = document.documentElement.outerHTML;
    expect(resumeIds.size).toBeGreaterThanOrEqual(3);
    for (const secret of [BROWSER_PASSWORD, BROWSER_TOKEN, apiKey, ...resumeIds]) expect(dom).not.toContain(secret);
    // What is shown instead: the masked Resume-Id and the endpoint without query.
    const masked = [...document.querySelectorAll('[data-field="Resume-Id"]')].map((element) => element.textContent);
    expect(masked).toHaveLength(2);
    for (const text of masked) expect(text).toMatch(/^••••.{4}$/);
    expect(dom).toContain(serverUrls('password').endpointUrl.split('?')[0]);
  });
});
