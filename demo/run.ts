/**
 * Runs the demo: a session (through the local server's balancer, or a remote one), a few dozen
 * observed streams, the fault script, the live view, and the verdict.
 */
import type { Subscription } from 'rxjs';
import { serveDevtools, type DevtoolsServer } from '../src/devtools/node.js';
import { createSession, type CodecName, type Session, type SessionOptions, type SessionSnapshot } from '../src/node.js';
import { codecFactory } from '../src/codecs/index.js';
import { ReplayCounter, runFaultScript } from './fault-script.js';
import { startLocalServer, type LocalServer } from './local-server.js';
import type { DemoOptions } from './options.js';
import { publishTimeOf, StreamStats, totalsOf } from './stream-stats.js';
import { LiveScreen, type Output } from './terminal.js';
import { Timeline } from './timeline.js';
import { judge } from './verdict.js';
import { createStyle, eventLine, liveFrame, summaryLine, verdictLines, type ViewModel } from './view.js';

/** How often rates are sampled and the live frame redrawn. */
const TICK_MS = 250;
/** Seconds of total-rate history kept for the sparkline. */
const HISTORY_SECONDS = 120;
const ALL_CODECS: readonly CodecName[] = ['msgpack', 'json', 'bson'];

function sessionOptions(options: DemoOptions, local: LocalServer | undefined): SessionOptions {
  const codecs = [options.codec, ...ALL_CODECS.filter((codec) => codec !== options.codec)].map(codecFactory);
  const auth = options.token !== undefined ? { token: options.token } : options.license !== undefined ? { license: options.license } : undefined;
  const where =
    local !== undefined ? { balancer: local.server.balancerUrl } : options.endpoint !== undefined ? { endpoint: options.endpoint } : { balancer: options.balancer as string };
  return { ...where, codecs, ...(auth === undefined ? {} : { auth }) };
}

function describeTarget(options: DemoOptions, local: LocalServer | undefined): string {
  if (local !== undefined) return `local reference server, balancer ${local.server.balancerUrl}`;
  return options.endpoint !== undefined ? `endpoint ${options.endpoint}` : `balancer ${options.balancer ?? '?'}`;
}

function waitForEnd(durationMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = Number.isFinite(durationMs) ? setTimeout(done, durationMs) : undefined;
    signal.addEventListener('abort', done, { once: true });
    function done() {
      if (timer !== undefined) clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Runs the demo until its duration has passed or `interrupt` aborts, writing to `output`.
 * @returns the process exit code: 0 when nothing was lost where nothing should be, else 1
 */
export async function runDemo(options: DemoOptions, output: Output, interrupt: AbortSignal): Promise<number> {
  const local = options.balancer === undefined && options.endpoint === undefined
    ? await startLocalServer({ streams: options.streams, ratePerSecond: options.ratePerSecond })
    : undefined;
  try {
    return await observe(options, output, interrupt, local);
  } finally {
    await local?.close();
  }
}

async function observe(options: DemoOptions, output: Output, interrupt: AbortSignal, local: LocalServer | undefined): Promise<number> {
  const live = options.view === 'live' || (options.view === 'auto' && output.isTTY === true);
  const style = createStyle(live && process.env['NO_COLOR'] === undefined);
  const startedAt = performance.now();
  const timeline = new Timeline(startedAt);
  const stats = new Map(options.streams.map((name) => [name, new StreamStats(name)]));
  const replay = new ReplayCounter();
  const session: Session = createSession(sessionOptions(options, local));
  const subscriptions: Subscription[] = [];
  let snapshot: SessionSnapshot | undefined;
  let stopping = false;
  let fatalError: string | undefined;
  let errors = 0;
  let lastError: string | undefined;

  subscriptions.push(
    session.state$.subscribe((next) => {
      if (next.value !== snapshot?.value) timeline.transition(next.value);
      snapshot = next;
    }),
    session.gaps$.subscribe((names) => {
      for (const name of names) stats.get(name)?.announceGap();
      timeline.event(`gaps$: ${names.length} streams may have missed messages (a fresh session); re-snapshot them`);
    }),
    session.errors$.subscribe((error) => {
      errors++;
      lastError = error.message;
    }),
  );
  void session.closed.then((reason) => {
    if (stopping) return;
    fatalError = reason.error?.message ?? `closed with ${reason.code} ${reason.reason}`;
    timeline.event(`session closed: ${fatalError}`, 'bad');
  });
  for (const [name, stream] of stats) {
    subscriptions.push(
      session.stream(name).subscribe({
        next: (data) => {
          stream.record(data);
          replay.see(publishTimeOf(data));
        },
        error: (error: unknown) => timeline.event(`${name} failed: ${error instanceof Error ? error.message : String(error)}`, 'bad'),
      }),
    );
  }
  timeline.event(`observing ${stats.size} streams over ${describeTarget(options, local)}`);
  let devtools: DevtoolsServer | undefined;
  if (options.devtoolsPort !== undefined) {
    devtools = await serveDevtools(session, { port: options.devtoolsPort });
    timeline.event(`devtools: open ${devtools.url} to watch the state chart live`);
    // The live view redraws the screen: the address must also stay where it can be copied.
    if (live) output.write(`devtools: ${devtools.url}\n`);
  }

  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  interrupt.addEventListener('abort', onInterrupt, { once: true });
  const script = local !== undefined && options.faults !== undefined
    ? runFaultScript({ server: local.server, session, timeline, stats, replay, startedAt, durationMs: options.durationMs, signal: stop.signal }, options.faults)
    : Promise.resolve();

  const rateHistory: number[] = [];
  let receivedAtLastSecond = 0;
  let nextSecond = startedAt + 1_000;
  let nextSummary = startedAt + options.summaryEveryMs;
  let printedTransitions = 0;
  let lastSummaryAt = startedAt;
  const screen = live ? new LiveScreen(output) : undefined;
  const model = (): ViewModel => ({
    elapsedMs: timeline.elapsed(),
    durationMs: options.durationMs,
    codec: options.codec,
    target: describeTarget(options, local),
    snapshot,
    timeline,
    streams: [...stats.values()],
    totals: totalsOf(stats.values()),
    rateHistory,
    errors,
    lastError,
  });
  const passedThrough = () => {
    const transitions = timeline.transitions.slice(printedTransitions);
    printedTransitions = timeline.transitions.length;
    return transitions;
  };
  const tick = () => {
    const now = performance.now();
    for (const stream of stats.values()) stream.sample(now);
    if (now >= nextSecond) {
      const received = totalsOf(stats.values()).received;
      rateHistory.push(received - receivedAtLastSecond);
      if (rateHistory.length > HISTORY_SECONDS) rateHistory.shift();
      receivedAtLastSecond = received;
      nextSecond += 1_000;
    }
    if (screen !== undefined) {
      screen.draw(liveFrame(model(), style, screen.width, screen.height));
      return;
    }
    for (const event of timeline.takeUnprinted()) output.write(`${eventLine(event.atMs, event.text)}\n`);
    if (now >= nextSummary) {
      output.write(`${summaryLine(model(), passedThrough())}\n`);
      lastSummaryAt = now;
      nextSummary += options.summaryEveryMs;
    }
  };
  const ticker = setInterval(tick, TICK_MS);
  try {
    await waitForEnd(options.durationMs, stop.signal);
    stop.abort();
    await script;
    clearInterval(ticker);
    tick();
  } finally {
    stop.abort();
    interrupt.removeEventListener('abort', onInterrupt);
    clearInterval(ticker);
    stopping = true;
    for (const subscription of subscriptions) subscription.unsubscribe();
    await session.close();
    await devtools?.close();
    screen?.finish();
  }

  const finalModel = model();
  const verdict = judge({ totals: finalModel.totals, failedChecks: timeline.failed, fatalError });
  if (screen === undefined) {
    for (const event of timeline.takeUnprinted()) output.write(`${eventLine(event.atMs, event.text)}\n`);
    // The last periodic line may be only a moment old; a copy of it would say nothing new.
    if (performance.now() - lastSummaryAt > TICK_MS * 2) output.write(`${summaryLine(finalModel, passedThrough())}\n`);
  }
  output.write(`${verdictLines(verdict, finalModel, style).join('\n')}\n`);
  return verdict.ok ? 0 : 1;
}
