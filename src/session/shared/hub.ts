import type { Subscription } from 'rxjs';
import { definedOnly } from '../../defined-only.js';
import type { ResumePoint } from '../../machine/types.js';
import type { StreamState } from '../../streams/stream-entry.js';
import type { OpenedSession } from '../api.js';
import { MISSED_PINGS_ALLOWED, PING_INTERVAL_MS, RELEASED_MEMORY_MS, TAKEOVER_HOLD_MS } from './timing.js';
import { toWireError } from './wire-error.js';
import { toWireReason, toWireSnapshot, type Handover, type HubMessage, type TabMessage } from './wire.js';

/** What the hub knows of one tab. */
interface TabRecord {
  /** The claim version last applied; a message with any other next version means one was lost. */
  version: number;
  readonly streams: Set<string>;
  /** Pings sent since the tab last answered one. */
  missedPings: number;
}

/** One stream the hub observes on the session because at least one tab (or a takeover hold) claims it. */
interface Claim {
  readonly holders: Set<string>;
  readonly subscription: Subscription;
}

/** Options of {@link SharedSessionHub}. */
export interface HubOptions {
  /** This hub's id, unique to one leadership of one tab. */
  readonly hubId: string;
  /** Sends a message to every tab, this one included. */
  readonly post: (message: HubMessage) => void;
  /** Hands a message to this tab alone: stream messages of streams no other tab holds. */
  readonly deliverHere: (message: HubMessage) => void;
  /** The leader tab's own id, as its claims name it. */
  readonly ownTab: string;
  /** Opens the real session (the leader's options), continuing `resumeFrom` when given. */
  readonly open: (resumeFrom?: ResumePoint) => OpenedSession;
  /** The replicated state of the previous leader, when this hub takes over from one. */
  readonly takeover?: { readonly handover: Handover; readonly lastSeq: number | undefined };
}

/**
 * Stream messages kept in the leader's tab before the other tabs get a `seq` notice. A takeover
 * after a crash resumes from fewer than this many messages before where the session was (the
 * server replays them if its buffer holds them); a notice costs one small post.
 */
export const SEQ_NOTICE_EVERY = 100;

/** Holder standing for "the previous leader held it": keeps a stream until the tabs have claimed theirs again. */
const TAKEOVER_HOLDER = '#takeover';

function resumePointOf(takeover: HubOptions['takeover']): ResumePoint | undefined {
  const handover = takeover?.handover;
  if (handover?.endpoint === undefined || handover.resumeId === undefined || handover.sessionId === undefined) return undefined;
  return {
    endpoint: handover.endpoint,
    resumeId: handover.resumeId,
    sessionId: handover.sessionId,
    ...definedOnly({ lastSeq: takeover?.lastSeq }),
  };
}

/**
 * The leader's side of a shared session: runs the one real session of the share name and serves
 * every tab over the channel. Each stream is observed on the session once, for as long as any tab
 * claims it; a stream message goes out once, to all tabs, with its `seq` so that tabs can drop
 * duplicates across a change of leader, unless the leader's own tab alone holds the stream: then it
 * stays in this tab, as the channel's copy and hop cost more than the message (about half again as
 * much as the socket for small ones). The other tabs still learn how far the session got (a `seq`
 * notice at least every {@link SEQ_NOTICE_EVERY} such messages, once a ping interval, to a tab that
 * joins, and when this tab goes), so that a takeover resumes from close to where the session was,
 * not from the last message they saw. Tabs prove they are alive by answering pings from their
 * message handler (not a timer, which a background tab throttles); one that misses
 * {@link MISSED_PINGS_ALLOWED} pings in a row (closed, crashed or frozen) loses its claims.
 */
export class SharedSessionHub {
  readonly session: OpenedSession;
  private readonly hubId: string;
  private readonly post: (message: HubMessage) => void;
  private readonly deliverHere: (message: HubMessage) => void;
  private readonly ownTab: string;
  /** The `seq` of the last stream message handled (delivered here or posted); forgotten with a fresh session. */
  private lastSeq: number | undefined;
  /** Messages kept in this tab since the other tabs last learned a `seq` (from a posted message or a notice). */
  private unannounced = 0;
  private readonly tabs = new Map<string, TabRecord>();
  /** Tabs that expired, so that they learn it if they come back (bounded by the pings' cadence of tab churn). */
  private readonly expired = new Set<string>();
  private readonly claims = new Map<string, Claim>();
  /**
   * Streams released lately (with when), whose unsubscribe may not have reached the server yet: a
   * successor is told of them too, so that it unsubscribes them if nobody claims them.
   */
  private readonly released = new Map<string, number>();
  private readonly requests = new Map<string, AbortController>();
  private readonly subscriptions: Array<{ unsubscribe(): void }> = [];
  private readonly pingTimer: ReturnType<typeof setInterval>;
  private takeoverTimer: ReturnType<typeof setTimeout> | undefined;
  private streamStates = new Map<string, StreamState>();
  private handover: Handover | undefined;
  private claimsChanged = false;
  private retiring = false;

  constructor(options: HubOptions) {
    this.hubId = options.hubId;
    this.post = options.post;
    this.deliverHere = options.deliverHere;
    this.ownTab = options.ownTab;
    const resumeFrom = resumePointOf(options.takeover);
    this.session = options.open(resumeFrom);
    const session = this.session;
    const takeoverWasReady = options.takeover?.handover.ready === true;

    this.subscriptions.push(
      session.state$.subscribe((snapshot) => this.send({ t: 'state', hub: this.hubId, snapshot: toWireSnapshot(snapshot) })),
      session.events$.subscribe(({ event, data }) => this.send({ t: 'event', hub: this.hubId, event, ...definedOnly({ data }) })),
      session.errors$.subscribe((error) => this.send({ t: 'error', hub: this.hubId, error: toWireError(error) })),
      session.gaps$.subscribe((streams) => this.send({ t: 'gaps', hub: this.hubId, streams })),
      session.actor.subscribe(() => this.replicate(false)),
    );
    session.actor.on('ready', ({ resumed, readyCount }) => {
      if (resumed) return;
      // A fresh server session: seq starts over. The session's own gaps$ covers a replacement it
      // made itself; one that replaces the previous leader's session is announced here.
      if (readyCount > 1 || takeoverWasReady) {
        this.lastSeq = undefined;
        this.unannounced = 0;
        this.send({ t: 'fresh', hub: this.hubId });
      }
      if (readyCount === 1 && takeoverWasReady && this.claims.size > 0) this.send({ t: 'gaps', hub: this.hubId, streams: [...this.claims.keys()] });
    });
    void session.closed.then((reason) => {
      if (!this.retiring) this.send({ t: 'closed', hub: this.hubId, reason: toWireReason(reason) });
      this.stopTimers();
    });
    this.pingTimer = setInterval(() => this.tick(), PING_INTERVAL_MS);

    if (options.takeover !== undefined) {
      // Streams the previous leader held stay observed until the tabs have claimed theirs again:
      // their replayed messages still reach the tabs, and the ones nobody claims are unsubscribed after.
      for (const stream of options.takeover.handover.streams) this.claim(TAKEOVER_HOLDER, stream);
      this.takeoverTimer = setTimeout(() => {
        this.takeoverTimer = undefined;
        for (const stream of [...this.claims.keys()]) this.unclaim(TAKEOVER_HOLDER, stream);
      }, TAKEOVER_HOLD_MS);
      if (options.takeover.handover.started || resumeFrom !== undefined) session.start();
    }
  }

  /** Tells every tab that this hub leads now; they answer with their claims and re-send what they wait for. */
  announce(): void {
    this.send({ t: 'hello', hub: this.hubId, snapshot: toWireSnapshot(this.currentSnapshot()) });
    this.replicate(true);
  }

  /** Handles one message of a tab. */
  receive(message: TabMessage): void {
    if (this.retiring) return;
    switch (message.t) {
      case 'join':
        this.send({ t: 'hello', hub: this.hubId, snapshot: toWireSnapshot(this.currentSnapshot()) });
        if (this.handover !== undefined) this.send({ t: 'handover', hub: this.hubId, handover: this.handover });
        // A tab that joins in a quiet spell would otherwise have no lastSeq to resume from until a message comes.
        this.announceSeq(true);
        return;
      case 'claims':
        this.setClaims(message.from, message.version, message.streams);
        return;
      case 'want':
      case 'drop': {
        const tab = this.tabs.get(message.from);
        if (tab === undefined || message.version !== tab.version + 1) {
          this.resync(message.from);
          return;
        }
        tab.version = message.version;
        if (message.t === 'want') {
          tab.streams.add(message.stream);
          this.claim(message.from, message.stream);
        } else {
          tab.streams.delete(message.stream);
          this.unclaim(message.from, message.stream);
        }
        return;
      }
      case 'pong': {
        const tab = this.tabs.get(message.from);
        if (tab === undefined || tab.version !== message.version) this.resync(message.from);
        else tab.missedPings = 0;
        return;
      }
      case 'start':
        this.session.start();
        return;
      case 'request':
        this.request(message);
        return;
      case 'abort':
        this.requests.get(`${message.from}:${message.id}`)?.abort();
        return;
      case 'bye':
        // This tab going: the others learn the last seq before the lock passes to one of them.
        if (message.from === this.ownTab) this.announceSeq();
        this.forget(message.from);
        return;
    }
  }

  /**
   * Stops serving tabs. With a successor waiting for the lock, the session is left open for it to
   * take over (the server closes this connection with 4000 when the successor resumes it; until
   * then messages still flow, and tabs drop the duplicates by seq), for at most `graceMs`; without
   * one, or after that, it is closed. Resolves once the session is closed.
   */
  async retire(successor: boolean, graceMs: number): Promise<void> {
    if (this.retiring) return this.session.closed.then(() => undefined);
    this.retiring = true;
    this.stopTimers();
    if (successor) {
      this.replicate(true);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([this.session.closed, grace]);
      clearTimeout(timer);
    }
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await this.session.close();
  }

  private send(message: HubMessage): void {
    // A retiring hub still forwards stream messages (deduplicated by seq) but nothing else:
    // the successor speaks for the session now.
    if (this.retiring && message.t !== 'msgs') return;
    this.post(message);
  }

  /**
   * Tells the other tabs the last seq, if messages kept in this tab came after the last they
   * learned (or always, with `always`). Posted after every stream message posted so far (a post
   * flushes the batch first), so no tab passes over a message of a stream it holds.
   */
  private announceSeq(always = false): void {
    if ((this.unannounced === 0 && !always) || this.lastSeq === undefined) return;
    this.unannounced = 0;
    this.send({ t: 'seq', hub: this.hubId, lastSeq: this.lastSeq });
  }

  private currentSnapshot() {
    let current;
    this.session.state$.subscribe((snapshot) => (current = snapshot)).unsubscribe();
    return current!;
  }

  private setClaims(from: string, version: number, streams: readonly string[]): void {
    let tab = this.tabs.get(from);
    if (tab === undefined) {
      tab = { version, streams: new Set(), missedPings: 0 };
      this.tabs.set(from, tab);
    }
    tab.version = version;
    tab.missedPings = 0;
    const wanted = new Set(streams);
    for (const stream of tab.streams) {
      if (!wanted.has(stream)) {
        tab.streams.delete(stream);
        this.unclaim(from, stream);
      }
    }
    for (const stream of wanted) {
      if (!tab.streams.has(stream)) {
        tab.streams.add(stream);
        this.claim(from, stream);
      }
    }
  }

  private resync(tab: string): void {
    this.send({ t: 'resync', hub: this.hubId, to: tab, expired: this.expired.delete(tab) });
  }

  private claim(holder: string, stream: string): void {
    const existing = this.claims.get(stream);
    if (existing !== undefined) {
      existing.holders.add(holder);
      return;
    }
    this.released.delete(stream);
    const holders = new Set([holder]);
    const session = this.session;
    // Registered before subscribing: a stream that fails at once (closed session) finds it to remove.
    const claim: Claim = { holders, subscription: undefined as unknown as Subscription };
    this.claims.set(stream, claim);
    this.claimsChanged = true;
    (claim as { subscription: Subscription }).subscription = session.stream(stream).subscribe({
      next: (data) => {
        // The stream layer records a message's seq before delivering it.
        const seq = session.lastSeq();
        if (seq !== undefined) this.lastSeq = seq;
        const message: HubMessage = { t: 'msgs', hub: this.hubId, items: [[stream, data, seq]] };
        // Not while taking over: the other tabs' claims may still be on their way, and the
        // replay of the previous leader's session may hold messages of their streams.
        if (this.takeoverTimer === undefined && holders.size === 1 && holders.has(this.ownTab)) {
          this.deliverHere(message);
          if (++this.unannounced >= SEQ_NOTICE_EVERY) this.announceSeq();
        } else {
          this.post(message);
          this.unannounced = 0;
        }
      },
      error: (error: unknown) => {
        this.dropClaim(stream, claim);
        this.send({ t: 'stream-error', hub: this.hubId, stream, error: toWireError(error) });
      },
    });
  }

  private unclaim(holder: string, stream: string): void {
    const claim = this.claims.get(stream);
    if (claim === undefined || !claim.holders.delete(holder) || claim.holders.size > 0) return;
    this.dropClaim(stream, claim);
    claim.subscription.unsubscribe();
  }

  private dropClaim(stream: string, claim: Claim): void {
    if (this.claims.get(stream) !== claim) return;
    this.claims.delete(stream);
    this.released.set(stream, Date.now());
    this.claimsChanged = true;
    // Every holder's observers fail with the stream: none of them claims it any more.
    for (const holder of claim.holders) this.tabs.get(holder)?.streams.delete(stream);
    this.streamStates.delete(stream);
  }

  private forget(tabId: string): void {
    const tab = this.tabs.get(tabId);
    this.tabs.delete(tabId);
    if (tab !== undefined) for (const stream of tab.streams) this.unclaim(tabId, stream);
    const prefix = `${tabId}:`;
    for (const [key, controller] of this.requests) if (key.startsWith(prefix)) controller.abort();
  }

  private request(message: Extract<TabMessage, { t: 'request' }>): void {
    const key = `${message.from}:${message.id}`;
    const controller = new AbortController();
    this.requests.set(key, controller);
    const answer = (outcome: Extract<HubMessage, { t: 'response' }>['outcome']) => {
      this.requests.delete(key);
      if (!controller.signal.aborted) this.send({ t: 'response', hub: this.hubId, to: message.from, id: message.id, outcome });
    };
    this.session
      .request(message.method, message.params, { timeoutMs: message.timeoutMs, idempotent: message.idempotent, signal: controller.signal })
      .then(
        (result) => answer({ ok: true, result }),
        (error: unknown) => answer({ ok: false, error: toWireError(error) }),
      );
  }

  /** Once a ping interval: expires silent tabs, pings the others, sends stream state changes and the claimed stream list. */
  private tick(): void {
    const forgetBefore = Date.now() - RELEASED_MEMORY_MS;
    for (const [stream, at] of this.released) if (at < forgetBefore) this.released.delete(stream);
    for (const [tabId, tab] of this.tabs) {
      if (++tab.missedPings > MISSED_PINGS_ALLOWED) {
        this.forget(tabId);
        this.expired.add(tabId);
      }
    }
    this.send({ t: 'ping', hub: this.hubId });
    this.announceSeq();
    const changed: Array<readonly [string, StreamState]> = [];
    const states = new Map<string, StreamState>();
    for (const stream of this.claims.keys()) {
      const state = this.session.streamState(stream);
      states.set(stream, state);
      if (this.streamStates.get(stream) !== state) changed.push([stream, state]);
    }
    this.streamStates = states;
    if (changed.length > 0) this.send({ t: 'stream-states', hub: this.hubId, states: changed });
    this.replicate(this.claimsChanged);
  }

  /** Sends the handover when where the session is (or, with `withStreams`, what it holds) changed. */
  private replicate(withStreams: boolean): void {
    const context = this.session.actor.getSnapshot().context;
    const previous = this.handover;
    const endpointMoved = previous?.endpoint !== context.endpoint || previous?.resumeId !== context.resumeId || previous?.sessionId !== context.sessionId;
    const ready = context.readyCount > 0 || (previous?.ready ?? false);
    const started = this.session.actor.getSnapshot().value !== 'idle';
    if (!withStreams && !endpointMoved && previous?.ready === ready && previous.started === started) return;
    this.claimsChanged = false;
    this.handover = {
      ...definedOnly({ endpoint: context.endpoint, resumeId: context.resumeId, sessionId: context.sessionId }),
      ready,
      started,
      streams: [...this.claims.keys(), ...this.released.keys()],
    };
    this.send({ t: 'handover', hub: this.hubId, handover: this.handover });
  }

  private stopTimers(): void {
    clearInterval(this.pingTimer);
    if (this.takeoverTimer !== undefined) clearTimeout(this.takeoverTimer);
    this.takeoverTimer = undefined;
  }
}
