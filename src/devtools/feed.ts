/**
 * The devtools' event stream for one session: a `hello` record with the whole picture, then a
 * record per machine step, per streams sample, per gap and per error. The panel, the WebSocket
 * feed of `serveDevtools` and `recordSession` all consume it.
 *
 * It listens to nothing while nobody subscribes: no inspection observer on the actor, no timer, no
 * subscription to the session's observables, so a feed nobody reads costs nothing. Stream messages
 * never pass through it: the streams table is sampled from `session.inspectStreams()` on a timer.
 */
import type { AnyStateNode, AnyTransitionDefinition, InspectionEvent, Subscription } from 'xstate';
import { publicStateName } from '../machine/session-machine.js';
import type { SessionContext } from '../machine/types.js';
import type { Session } from '../session.js';
import { activePaths, chartOf, edgeId, type ChartModel } from './chart.js';
import { eventLabel, statePath } from './machine-walk.js';
import { RECORD_FORMAT_VERSION, type DevtoolsRecord, type HelloRecord, type StreamRow } from './records.js';
import { closeRecord, redactContext, scrubberFor, secretsOf, type Scrubber } from './redact.js';

/** Options of {@link createDevtoolsFeed}. */
export interface DevtoolsFeedOptions {
  /**
   * How often the streams table is sampled while someone listens, in ms. Each sample lists only
   * the streams that changed since the previous one.
   * @default 1000
   */
  readonly sampleIntervalMs?: number;
  /** The clock of the records (epoch ms). @default Date.now */
  readonly now?: () => number;
}

/** A session's devtools feed; see {@link createDevtoolsFeed}. */
export interface DevtoolsFeed {
  /** The chart of the session's machine. */
  readonly chart: ChartModel;
  /** The whole picture now: chart, active states, context, streams. */
  hello(): HelloRecord;
  /**
   * Calls `listener` with every record from now on (not the hello: call {@link DevtoolsFeed.hello}
   * first). The feed starts listening to the session with its first listener and stops with its
   * last. Returns the function that removes the listener.
   */
  subscribe(listener: (record: DevtoolsRecord) => void): () => void;
}

interface MachineSnapshotLike {
  readonly value: unknown;
  readonly context: SessionContext;
  readonly status: string;
}

const DEFAULT_SAMPLE_INTERVAL_MS = 1_000;

/**
 * Whether the active leaf of `paths` is transient: its only transitions are eventless (`always`),
 * so the machine leaves it within the same step and a viewer never sees it.
 */
function restsNowhere(root: AnyStateNode, paths: readonly string[]): boolean {
  const leaf = paths.at(-1);
  if (leaf === undefined) return false;
  const node = leaf.split('.').reduce<AnyStateNode | undefined>((parent, key) => parent?.states[key] as AnyStateNode | undefined, root);
  return node !== undefined && node.type === 'atomic' && node.always !== undefined && node.always.length > 0 && node.transitions.size === 0 && node.invoke.length === 0;
}

/** Leaf states among active paths (those no other active path is nested in). */
function leaves(paths: readonly string[]): string[] {
  return paths.filter((path) => !paths.some((other) => other.startsWith(`${path}.`)));
}

function streamRow(info: ReturnType<Session['inspectStreams']>[number]): StreamRow {
  return {
    name: info.name,
    state: info.state,
    observers: info.observers,
    ...(info.lastSeq === undefined ? {} : { lastSeq: info.lastSeq }),
    messages: info.messages,
    gaps: info.gaps,
  };
}

function sameRow(a: StreamRow, b: StreamRow): boolean {
  return a.state === b.state && a.observers === b.observers && a.lastSeq === b.lastSeq && a.messages === b.messages && a.gaps === b.gaps;
}

/**
 * Creates the devtools feed of a session. The chart is read from the session's running machine
 * (`session.actor.logic`), so it follows the machine whatever its nested states become.
 *
 * @example
 * ```ts
 * const feed = createDevtoolsFeed(session);
 * console.log(feed.hello().state); // ['connection', 'connection.authorized', 'connection.authorized.watching']
 * const stop = feed.subscribe((record) => console.log(record.type));
 * stop();
 * ```
 */
export function createDevtoolsFeed(session: Session, options: DevtoolsFeedOptions = {}): DevtoolsFeed {
  const now = options.now ?? Date.now;
  const sampleIntervalMs = options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const actor = session.actor;
  const chart = chartOf(actor.logic);
  const listeners = new Set<(record: DevtoolsRecord) => void>();
  let stopListening: (() => void) | undefined;

  const snapshotNow = () => actor.getSnapshot() as unknown as MachineSnapshotLike;
  const scrubberOf = (context: SessionContext): Scrubber => scrubberFor(secretsOf(context));
  const emit = (record: DevtoolsRecord) => {
    for (const listener of [...listeners]) listener(record);
  };
  const streamRows = () => session.inspectStreams().map(streamRow);

  function hello(): HelloRecord {
    const snapshot = snapshotNow();
    const state = activePaths(snapshot.value);
    return {
      type: 'hello',
      v: RECORD_FORMAT_VERSION,
      t: now(),
      chart,
      state,
      value: publicStateName(snapshot.value, snapshot.context),
      context: redactContext(snapshot.context, scrubberOf(snapshot.context), state[0] === 'reconnecting'),
      streams: streamRows(),
    };
  }

  function listen(): () => void {
    let previous = snapshotNow();
    let sampled = new Map(streamRows().map((row) => [row.name, row]));

    // The transitions of a transient step (a decision the machine never rests in, such as
    // `deciding`), shown as part of the step that follows it.
    let pending: AnyTransitionDefinition[] = [];
    const onMicrostep = (event: Extract<InspectionEvent, { type: '@xstate.microstep' }>) => {
      const snapshot = event.snapshot as unknown as MachineSnapshotLike;
      const taken = [...pending, ...event._transitions.filter((transition: AnyTransitionDefinition) => (transition.target?.length ?? 0) > 0)];
      pending = [];
      if (restsNowhere(actor.logic.root as AnyStateNode, activePaths(snapshot.value))) {
        pending = taken;
        return;
      }
      const lastClose = snapshot.context.lastClose;
      const closeChanged = lastClose !== undefined && lastClose !== previous.context.lastClose;
      const before = previous;
      previous = snapshot;
      if (taken.length === 0 && !closeChanged) return;
      const scrub = scrubberOf(snapshot.context);
      const state = activePaths(snapshot.value);
      const reconnecting = state[0] === 'reconnecting';
      const first = taken[0];
      emit({
        type: 'transition',
        t: now(),
        event: first === undefined ? scrub(String(event.event.type)) : eventLabel(first.source as AnyStateNode, first),
        from: leaves(activePaths(before.value)),
        to: leaves(state),
        edges: taken.flatMap((transition) =>
          (transition.target ?? []).map((target: AnyStateNode) => edgeId(statePath(transition.source as AnyStateNode), statePath(target))),
        ),
        state,
        value: publicStateName(snapshot.value, snapshot.context),
        context: redactContext(snapshot.context, scrub, reconnecting),
        ...(closeChanged ? { close: closeRecord(lastClose, scrub) } : {}),
        ...(reconnecting && before.value !== 'reconnecting' && snapshot.context.retryDelayMs !== undefined ? { retryDelayMs: snapshot.context.retryDelayMs } : {}),
      });
    };
    const inspection: Subscription = actor.system.inspect((event: InspectionEvent) => {
      if (event.type === '@xstate.microstep' && event.actorRef === actor) onMicrostep(event);
    });

    const sample = () => {
      const rows = streamRows();
      const changed: StreamRow[] = [];
      const current = new Map<string, StreamRow>();
      for (const row of rows) {
        current.set(row.name, row);
        const before = sampled.get(row.name);
        if (before === undefined || !sameRow(before, row)) changed.push(row);
      }
      const removed = [...sampled.keys()].filter((name) => !current.has(name));
      sampled = current;
      if (changed.length > 0 || removed.length > 0) emit({ type: 'streams', t: now(), rows: changed, ...(removed.length > 0 ? { removed } : {}) });
    };
    const timer = setInterval(() => {
      sample();
      if (snapshotNow().status !== 'active') clearInterval(timer);
    }, sampleIntervalMs);
    // A feed must never keep a Node process alive on its own.
    (timer as { unref?: () => void }).unref?.();

    const gaps = session.gaps$.subscribe((streams) => {
      emit({ type: 'gap', t: now(), streams: [...streams] });
      sample();
    });
    const errors = session.errors$.subscribe((error) => {
      const scrub = scrubberOf(snapshotNow().context);
      emit({ type: 'error', t: now(), code: error.code, message: scrub(error.message) });
    });
    return () => {
      inspection.unsubscribe();
      clearInterval(timer);
      gaps.unsubscribe();
      errors.unsubscribe();
    };
  }

  return {
    chart,
    hello,
    subscribe(listener) {
      listeners.add(listener);
      stopListening ??= listen();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && stopListening !== undefined) {
          stopListening();
          stopListening = undefined;
        }
      };
    },
  };
}
