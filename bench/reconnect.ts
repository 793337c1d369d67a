/**
 * Reconnect: how long from a drop (the server cuts the TCP connection, no close frame) until every
 * one of many streams delivers again, and how many SUBSCRIBE packets it took.
 *
 * The server publishes market data to every stream all along (only to subscribed ones), so "flowing
 * again" means: the stream delivered a message published after the drop. With `ratePerSecond`
 * spread over the streams, each stream gets a message every `streams / ratePerSecond` seconds,
 * which bounds the resolution of the figure; the time until the session was ready again is given
 * beside it.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { filter, firstValueFrom, skip, type Subscription } from 'rxjs';
import WebSocket from 'ws';
import { msgpack } from '../src/msgpack.js';
import { createSession } from '../src/node.js';
import { benchStreamNames } from './payloads.js';
import type { BenchServer } from './server-control.js';
import { median, within } from './stats.js';

/** One reconnect scenario's medians. */
export interface ReconnectResult {
  readonly label: string;
  readonly streams: number;
  /** Drop to the client being ready again (wirestate: authorized; baseline: subscribed), ms. */
  readonly readyMs: number;
  /** Drop to every stream having delivered a message published after the drop, ms. */
  readonly allFlowingMs: number;
  /** SUBSCRIBE packets the server received after the drop. */
  readonly subscribePackets: number;
  readonly runs: number;
}

const epochNow = () => performance.timeOrigin + performance.now();

/** Tracks, per stream, the first message published after the drop. */
class FlowTracker {
  readonly #flowing: Uint8Array;
  #armedAt = Infinity;
  #pending = 0;
  #allAt: number | undefined;
  #onAll: (() => void) | undefined;
  /** Streams that delivered at least once (before any drop). */
  seen = 0;
  readonly #seen: Uint8Array;

  constructor(streams: number) {
    this.#flowing = new Uint8Array(streams);
    this.#seen = new Uint8Array(streams);
  }

  /** Called with every delivered message of stream `index`. */
  see(index: number, data: unknown): void {
    if (this.#seen[index] === 0) {
      this.#seen[index] = 1;
      this.seen++;
    }
    if (this.#flowing[index] === 1) return;
    const publishedAt = (data as { E?: number }).E ?? 0;
    if (publishedAt < this.#armedAt) return;
    this.#flowing[index] = 1;
    if (--this.#pending === 0) {
      this.#allAt = epochNow();
      this.#onAll?.();
    }
  }

  /** From now on, waits for a message published at or after `dropAt` on every stream. */
  arm(dropAt: number): Promise<number> {
    this.#flowing.fill(0);
    this.#pending = this.#flowing.length;
    this.#allAt = undefined;
    // The payload's publish time has millisecond resolution.
    this.#armedAt = Math.floor(dropAt);
    return new Promise((resolve) => (this.#onAll = () => resolve(this.#allAt as number)));
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Scenario {
  /** Resolves with the time (epoch ms) the client is ready again after the drop. */
  readonly readyAgain: () => Promise<number>;
  readonly close: () => Promise<void>;
}

/** wirestate: a session observing every stream, reconnecting at once (no backoff). */
async function wirestateScenario(server: BenchServer, names: readonly string[], tracker: FlowTracker): Promise<Scenario> {
  const session = createSession({ endpoint: server.endpointUrl, codecs: [msgpack()], reconnect: { initialDelayMs: 0 } });
  const subscriptions: Subscription[] = names.map((name, index) => session.stream(name).subscribe((data) => tracker.see(index, data)));
  await firstValueFrom(session.state$.pipe(filter((snapshot) => snapshot.value === 'authorized')));
  return {
    readyAgain: () => firstValueFrom(session.state$.pipe(skip(1), filter((snapshot) => snapshot.value === 'authorized'))).then(() => epochNow()),
    async close() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await session.close();
    },
  };
}

/**
 * The baseline: a hand-written raw ws client that reconnects at once on any close, starts a new
 * session and subscribes everything again in batches of 1,000 (as wirestate's default).
 */
async function baselineScenario(server: BenchServer, names: readonly string[], tracker: FlowTracker): Promise<Scenario> {
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const encoder = new Encoder();
  let stopped = false;
  let socket: WebSocket | undefined;
  let onReady: (() => void) | undefined;
  const connect = () => {
    const decoder = new Decoder();
    const current = new WebSocket(`${server.endpointUrl}?version=1`, ['msgpack.v1']);
    socket = current;
    let answered = 0;
    const batches = Math.ceil(names.length / 1_000);
    current.on('open', () => {
      current.send(encoder.encode({ id: 1, method: 'INITIALIZE', params: { client: 'baseline/1' } }));
      for (let batch = 0; batch < batches; batch++) {
        current.send(encoder.encode({ id: batch + 2, method: 'SUBSCRIBE', params: names.slice(batch * 1_000, (batch + 1) * 1_000) }));
      }
    });
    current.on('message', (data: Buffer) => {
      const packet = decoder.decode(data) as { stream?: string; data?: unknown; id?: number };
      if (typeof packet.stream === 'string') {
        const index = indexOf.get(packet.stream);
        if (index !== undefined) tracker.see(index, packet.data);
      } else if (typeof packet.id === 'number' && packet.id >= 2 && ++answered === batches) {
        onReady?.();
      }
    });
    current.on('error', () => {});
    current.on('close', () => {
      if (!stopped) connect();
    });
  };
  const firstReady = new Promise<void>((resolve) => (onReady = resolve));
  connect();
  await firstReady;
  return {
    readyAgain: () => new Promise<number>((resolve) => (onReady = () => resolve(epochNow()))),
    async close() {
      stopped = true;
      const current = socket;
      if (current === undefined || current.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        current.once('close', () => resolve());
        current.close(1000);
      });
    },
  };
}

async function runOnce(
  server: BenchServer,
  kind: 'wirestate' | 'baseline',
  rejectResume: boolean,
  streams: number,
  ratePerSecond: number,
): Promise<{ readyMs: number; allFlowingMs: number; subscribePackets: number }> {
  await server.command('reset');
  const names = benchStreamNames(streams);
  const tracker = new FlowTracker(streams);
  const scenario = kind === 'wirestate' ? await wirestateScenario(server, names, tracker) : await baselineScenario(server, names, tracker);
  try {
    await server.command('waitSubscribed', { count: streams });
    await server.command('flow', { streams, ratePerSecond });
    await waitUntil(() => tracker.seen === streams, 30_000, 'every stream to deliver once');
    const ready = scenario.readyAgain();
    const { at: dropAt } = await server.command<{ at: number }>('drop', { rejectResume });
    const allFlowing = tracker.arm(dropAt);
    const [readyAt, allAt] = await within(Promise.all([ready, allFlowing]), 60_000, `${kind} reconnect`);
    const { count } = await server.command<{ count: number }>('countPackets', { method: 'SUBSCRIBE' });
    return { readyMs: readyAt - dropAt, allFlowingMs: allAt - dropAt, subscribePackets: count };
  } finally {
    await server.command('stopFlow');
    await scenario.close();
  }
}

/**
 * Runs the reconnect scenarios `runs` times each: wirestate resumed, wirestate not resumed (the
 * server rejects the resume, so a fresh session re-subscribes everything), and the raw baseline
 * (always a new session).
 */
export async function runReconnect(
  server: BenchServer,
  streams: number,
  ratePerSecond: number,
  runs: number,
  log: (line: string) => void,
): Promise<ReconnectResult[]> {
  const scenarios = [
    { label: 'wirestate, resumed', kind: 'wirestate', rejectResume: false },
    { label: 'wirestate, not resumed (new session)', kind: 'wirestate', rejectResume: true },
    { label: 'baseline: raw ws, new session, batches of 1,000', kind: 'baseline', rejectResume: false },
  ] as const;
  const samples = new Map<string, { readyMs: number[]; allFlowingMs: number[]; subscribePackets: number[] }>();
  for (let run = 0; run < runs; run++) {
    for (const scenario of scenarios) {
      const outcome = await runOnce(server, scenario.kind, scenario.rejectResume, streams, ratePerSecond);
      const entry = samples.get(scenario.label) ?? { readyMs: [], allFlowingMs: [], subscribePackets: [] };
      entry.readyMs.push(outcome.readyMs);
      entry.allFlowingMs.push(outcome.allFlowingMs);
      entry.subscribePackets.push(outcome.subscribePackets);
      samples.set(scenario.label, entry);
    }
  }
  const results = scenarios.map(({ label }) => {
    const entry = samples.get(label) as { readyMs: number[]; allFlowingMs: number[]; subscribePackets: number[] };
    return {
      label,
      streams,
      readyMs: median(entry.readyMs),
      allFlowingMs: median(entry.allFlowingMs),
      subscribePackets: Math.max(...entry.subscribePackets),
      runs,
    };
  });
  for (const result of results) {
    log(`reconnect ${result.label}: ready ${result.readyMs.toFixed(0)} ms, all ${streams} flowing ${result.allFlowingMs.toFixed(0)} ms, ${result.subscribePackets} SUBSCRIBE packets`);
  }
  return results;
}
