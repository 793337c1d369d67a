/**
 * The faults the demo injects into its local server, and what it checks after each: a drop without
 * close frame must end in a resume of the same session with nothing lost or duplicated; a server
 * restart must end in a new session, with `gaps$` naming the streams that may have missed messages.
 */
import { catchError, filter, firstValueFrom, of, skipWhile, take, timeout } from 'rxjs';
import type { Session, SessionSnapshot } from '../src/node.js';
import type { TestServer } from '../src/testing/index.js';
import type { FaultPlan } from './options.js';
import { totalsOf, type StreamStats } from './stream-stats.js';
import { formatCount, formatMs } from './format.js';
import type { Timeline } from './timeline.js';

/**
 * Counts the messages published while the connection was down (their publish time `E` falls in
 * the outage) that arrived afterwards: the replay of a resume.
 */
export class ReplayCounter {
  count = 0;
  #from = Infinity;
  #until = Infinity;

  /** Starts a new outage at `epochMs`. */
  open(epochMs: number): void {
    this.count = 0;
    this.#from = epochMs;
    this.#until = Infinity;
  }

  /** The session is back at `epochMs`: later publishes are not part of the replay. */
  close(epochMs: number): void {
    this.#until = epochMs;
  }

  /** Looks at one delivered message's publish time. */
  see(publishedAt: number | undefined): void {
    if (publishedAt !== undefined && publishedAt >= this.#from && publishedAt < this.#until) this.count++;
  }
}

/** What the fault script works with. */
export interface FaultContext {
  readonly server: TestServer;
  readonly session: Session;
  readonly timeline: Timeline;
  readonly stats: ReadonlyMap<string, StreamStats>;
  readonly replay: ReplayCounter;
  /** `performance.now()` at the start of the demo. */
  readonly startedAt: number;
  /** How long the demo runs (Infinity: until aborted). */
  readonly durationMs: number;
  readonly signal: AbortSignal;
}

/** After a fault, how long to let the replay and fresh messages arrive before judging. */
const SETTLE_MS = 500;
/** How long a session may take to come back before the fault counts as failed. */
const COME_BACK_TIMEOUT_MS = 10_000;

function sleepUntil(at: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.max(0, at - performance.now()));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function currentSnapshot(session: Session): SessionSnapshot | undefined {
  let current: SessionSnapshot | undefined;
  session.state$.pipe(take(1)).subscribe((snapshot) => (current = snapshot));
  return current;
}

/** Resolves with the session's next `authorized` (or `closed`) snapshot after it leaves `authorized`; undefined on timeout. */
function comeBack(session: Session): Promise<SessionSnapshot | undefined> {
  return firstValueFrom(
    session.state$.pipe(
      skipWhile((snapshot) => snapshot.value === 'authorized'),
      filter((snapshot) => snapshot.value === 'authorized' || snapshot.value === 'closed'),
      timeout({ first: COME_BACK_TIMEOUT_MS }),
      catchError(() => of(undefined)),
    ),
    { defaultValue: undefined },
  );
}

async function injectDrop(context: FaultContext, plan: FaultPlan, round: number): Promise<void> {
  const { server, session, timeline, stats, replay } = context;
  const before = currentSnapshot(session);
  if (before?.value !== 'authorized') {
    timeline.event(`drop #${round} skipped: the session is ${before?.value ?? 'unknown'}, not authorized`);
    return;
  }
  const totalsBefore = totalsOf(stats.values());
  const back = comeBack(session);
  replay.open(Date.now());
  // The reconnect's handshake is held for the outage: the network is "down" that long, and the
  // server keeps the session and buffers what is published meanwhile.
  server.faults.delayHandshake(plan.outageMs, 1);
  const droppedAt = performance.now();
  server.faults.dropConnection();
  timeline.event(`drop #${round}: connection cut without a close frame, network down for ${formatMs(plan.outageMs)}`);
  const after = await back;
  if (after?.value !== 'authorized') {
    timeline.check(`drop #${round} → resume`, false, `the session did not come back (${after?.value ?? 'timed out'})`);
    return;
  }
  replay.close(Date.now());
  const downFor = performance.now() - droppedAt;
  await sleepUntil(performance.now() + SETTLE_MS, context.signal);
  const totalsAfter = totalsOf(stats.values());
  const lost = totalsAfter.unannouncedGaps - totalsBefore.unannouncedGaps;
  const duplicated = totalsAfter.duplicates - totalsBefore.duplicates;
  const sameSession = after.resumed && after.sessionId === before.sessionId;
  timeline.check(
    `drop #${round} → resume`,
    sameSession && lost === 0 && duplicated === 0,
    `${sameSession ? `resumed session ${after.sessionId ?? '?'}` : `NOT resumed (session ${after.sessionId ?? '?'})`} after ${formatMs(downFor)}; ` +
      `${formatCount(replay.count)} messages published meanwhile replayed; ${lost} gaps, ${duplicated} duplicates (checked by sequence)`,
  );
}

async function injectRestart(context: FaultContext, round: number): Promise<void> {
  const { server, session, timeline, stats } = context;
  const before = currentSnapshot(session);
  if (before?.value !== 'authorized') {
    timeline.event(`restart #${round} skipped: the session is ${before?.value ?? 'unknown'}, not authorized`);
    return;
  }
  const totalsBefore = totalsOf(stats.values());
  let announced: readonly string[] = [];
  const gaps = session.gaps$.subscribe((names) => (announced = names));
  const back = comeBack(session);
  const restartedAt = performance.now();
  timeline.event(`restart #${round}: server forgets every session, closes connections with 1012 (service restart)`);
  await server.faults.restart();
  const after = await back;
  if (after?.value !== 'authorized') {
    gaps.unsubscribe();
    timeline.check(`restart #${round} → new session`, false, `the session did not come back (${after?.value ?? 'timed out'})`);
    return;
  }
  const backAfter = performance.now() - restartedAt;
  await sleepUntil(performance.now() + SETTLE_MS, context.signal);
  gaps.unsubscribe();
  const totalsAfter = totalsOf(stats.values());
  const skipped = totalsAfter.announcedGaps - totalsBefore.announcedGaps;
  const lost = totalsAfter.unannouncedGaps - totalsBefore.unannouncedGaps;
  const duplicated = totalsAfter.duplicates - totalsBefore.duplicates;
  const fresh = !after.resumed && after.sessionId !== before.sessionId;
  const allAnnounced = announced.length === stats.size;
  timeline.check(
    `restart #${round} → new session`,
    fresh && allAnnounced && lost === 0 && duplicated === 0,
    `${fresh ? 'new' : 'NOT a new'} session ${after.sessionId ?? '?'} after ${formatMs(backAfter)}; gaps$ named ${announced.length} of ${stats.size} streams; ` +
      `${skipped} skipped ahead as announced, ${lost} unannounced gaps, ${duplicated} duplicates`,
  );
}

/**
 * Runs the fault plan against the local server until the demo ends: once for a bounded run, every
 * `plan.cycleMs` for an endless one.
 */
export async function runFaultScript(context: FaultContext, plan: FaultPlan): Promise<void> {
  for (let round = 1; !context.signal.aborted; round++) {
    const cycleStart = context.startedAt + (round - 1) * plan.cycleMs;
    if (cycleStart + plan.dropAtMs >= context.startedAt + context.durationMs) return;
    if (!(await sleepUntil(cycleStart + plan.dropAtMs, context.signal))) return;
    await injectDrop(context, plan, round);
    if (cycleStart + plan.restartAtMs >= context.startedAt + context.durationMs) return;
    if (!(await sleepUntil(cycleStart + plan.restartAtMs, context.signal))) return;
    await injectRestart(context, round);
  }
}
