import { CLOSE_CODES } from '../../constants.js';
import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { definedOnly } from '../../defined-only.js';
import { SessionClosedError, WirestateError } from '../../errors.js';
import type { ClosedReason, ResumePoint, SessionStateName } from '../../machine/types.js';
import type { OpenedSession, ServerEvent, Session, SessionActor, SessionRequestOptions } from '../api.js';
import { resolveOptions, type SessionOptions } from '../options.js';
import { snapshotChanged, type SessionSnapshot } from '../snapshot.js';
import { StreamBatcher } from './batcher.js';
import { SharedSessionHub } from './hub.js';
import { sharingPlatform, type SharingPlatform } from './support.js';
import { TabRequests } from './tab-requests.js';
import { TabStreams } from './tab-streams.js';
import { HANDOVER_GRACE_MS, MISSED_PINGS_ALLOWED, PING_INTERVAL_MS } from './timing.js';
import { fromWireError } from './wire-error.js';
import { fromWireReason, fromWireSnapshot, type Handover, type HubMessage, type SharedMessage, type StreamItem, type TabMessage } from './wire.js';
import { waitForState, type WaitOptions } from '../wait.js';
import { ignoredCloseArguments } from '../call-options.js';

/** Opens the real session of a leader (`openSession` of session.ts, passed in so that this layer does not import it). */
export type OpenSession = (options: SessionOptions, resumeFrom?: ResumePoint) => OpenedSession;

const CLIENT_CLOSE: ClosedReason = { code: CLOSE_CODES.Normal, reason: 'client closed', clientRequested: true };

/** The name of a share's Web Lock and of its BroadcastChannel. */
export function shareChannelName(share: string): string {
  return `wirestate:${share}`;
}

function newTabId(): string {
  // Not crypto.randomUUID: it needs what Web Locks need anyway, but ids only have to differ between the tabs of one browser.
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * One tab's shared session (see the `share` option): every tab, the leader included, is a client
 * of the leader's hub, over the BroadcastChannel or, in the leader, by direct calls. The tab keeps
 * its own observers, requests and `lastSeq` (to drop messages it already had when a new leader
 * replays them), a copy of the leader's handover (to take over), and queues for the leader's lock.
 */
class SharedSessionTab {
  readonly api: Session;
  private readonly tabId = newTabId();
  private readonly lockName: string;
  private readonly channel: BroadcastChannel;
  private readonly lockRequest = new AbortController();
  private readonly batcher = new StreamBatcher((message) => this.post(message));
  private readonly streams: TabStreams;
  private readonly requests: TabRequests;
  private readonly state$: BehaviorSubject<SessionSnapshot>;
  private readonly events$ = new Subject<ServerEvent>();
  private readonly errors$ = new Subject<WirestateError>();
  private readonly gaps$ = new Subject<readonly string[]>();
  private readonly watchdog: ReturnType<typeof setInterval>;
  private readonly onPageHide = () => this.send({ t: 'bye', from: this.tabId });
  private readonly closed: Promise<ClosedReason>;
  private resolveClosed!: (reason: ClosedReason) => void;
  /** The hub this tab follows, and those it followed before (a late hello of one of them is stale). */
  private hubId: string | undefined;
  private readonly formerHubs = new Set<string>();
  /** After a fresh session, only its hub's messages count: older ones carry the previous session's seq. */
  private onlyFrom: string | undefined;
  private lastSeq: number | undefined;
  private lastHeard = Date.now();
  private version = 0;
  private startWanted = false;
  private handover: Handover | undefined;
  /** The hub this tab runs while it leads, and how to give up the lock. */
  private hub: SharedSessionHub | undefined;
  private releaseLock: (() => void) | undefined;
  private leaderships = 0;
  private finalSnapshot: SessionSnapshot | undefined;
  private ended = false;
  private finished: Promise<void> | undefined;

  constructor(
    private readonly platform: SharingPlatform,
    share: string,
    private readonly ownOptions: SessionOptions,
    private readonly open: OpenSession,
  ) {
    const resolved = resolveOptions(ownOptions);
    this.lockName = shareChannelName(share);
    this.channel = new platform.Channel(this.lockName);
    this.channel.onmessage = (event: MessageEvent<SharedMessage>) => this.onMessage(event.data);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.state$ = new BehaviorSubject<SessionSnapshot>({ value: 'idle', attempt: 0, resumed: false });
    this.streams = new TabStreams({
      onWanted: (stream) => this.send({ t: 'want', from: this.tabId, version: ++this.version, stream }),
      onDropped: (stream) => this.send({ t: 'drop', from: this.tabId, version: ++this.version, stream }),
    });
    this.requests = new TabRequests({
      tabId: this.tabId,
      send: (message) => this.send(message),
      defaultTimeoutMs: resolved.requestTimeoutMs,
      maxQueued: resolved.maxQueuedRequests,
    });
    // A follower that hears nothing from its leader asks who leads: it may have missed a hello.
    this.watchdog = setInterval(() => {
      if (this.hub === undefined && Date.now() - this.lastHeard > (MISSED_PINGS_ALLOWED + 1) * PING_INTERVAL_MS) {
        this.lastHeard = Date.now();
        this.send({ t: 'join', from: this.tabId });
      }
    }, PING_INTERVAL_MS);
    globalThis.addEventListener?.('pagehide', this.onPageHide);
    this.api = this.facade();
    this.send({ t: 'join', from: this.tabId });
    this.platform.locks.request(this.lockName, { signal: this.lockRequest.signal }, () => this.lead()).catch(() => {
      // Aborted because this tab closed before it led: nothing to do.
    });
    if (!resolved.lazy) this.start();
  }

  private facade(): Session {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const tab = this;
    // Written out rather than defer and of, which would bring about 4 KiB of RxJS (minified) into the app's bundle.
    const state$ = new Observable<SessionSnapshot>((subscriber) => {
      if (tab.finalSnapshot === undefined) return tab.state$.subscribe(subscriber);
      subscriber.next(tab.finalSnapshot);
      subscriber.complete();
      return undefined;
    });
    return {
      state$,
      ready: (waitOptions?: WaitOptions) => {
        tab.start();
        return waitForState(state$, 'authorized', waitOptions, 'ready');
      },
      waitFor: (state: SessionStateName, waitOptions?: WaitOptions) => waitForState(state$, state, waitOptions),
      stream: <T>(name: string): Observable<T> => tab.streams.observe<T>(name),
      streamState: (name: string) => tab.streams.stateOf(name),
      // The leader tab sees the real session's streams; a follower, its own observers and deliveries.
      inspectStreams: () => (tab.hub !== undefined && !tab.ended ? tab.hub.session.inspectStreams() : tab.streams.inspect()),
      request: <R>(method: string, params?: unknown, options: SessionRequestOptions = {}) => tab.requests.request(method, params, options) as Promise<R>,
      events$: this.events$.asObservable(),
      gaps$: this.gaps$.asObservable(),
      errors$: this.errors$.asObservable(),
      start: () => tab.start(),
      close: (...given: unknown[]) => {
        const ignored = ignoredCloseArguments(given);
        if (ignored !== undefined && !this.errors$.closed) this.errors$.next(ignored);
        return tab.close();
      },
      closed: this.closed,
      get actor(): SessionActor {
        if (tab.hub !== undefined && !tab.ended) return tab.hub.session.actor;
        throw new WirestateError('options', 'shared session actor runs in the leader tab');
      },
    };
  }

  private start(): void {
    this.startWanted = true;
    if (this.hubId !== undefined) this.send({ t: 'start', from: this.tabId });
  }

  /** To the hub: by a call in the leader (a microtask later, as the channel would be), else over the channel. */
  private send(message: TabMessage): void {
    const hub = this.hub;
    if (hub !== undefined) queueMicrotask(() => hub.receive(message));
    else this.post(message);
  }

  private post(message: SharedMessage): void {
    try {
      this.channel.postMessage(message);
    } catch (error) {
      // A payload the structured clone cannot copy, or a channel closed under a late message.
      if (!this.ended) this.errors$.next(new WirestateError('protocol', 'shared-session message not posted', { cause: error }));
    }
  }

  /** The hub's way out: to every other tab over the channel (stream messages batched), and to this one directly. */
  private broadcast(message: HubMessage): void {
    if (message.t === 'msgs') {
      for (const item of message.items) this.batcher.add(message.hub, item);
    } else {
      this.batcher.flush();
      this.post(message);
    }
    this.onHubMessage(message);
  }

  private onMessage(message: SharedMessage): void {
    if ('hub' in message) this.onHubMessage(message);
    else this.hub?.receive(message);
  }

  /** Runs while this tab holds the lock: the hub lives until the tab closes or the session ends. */
  private lead(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise<void>((release) => {
      this.releaseLock = release;
      const takeover = this.handover === undefined ? undefined : { handover: this.handover, lastSeq: this.lastSeq };
      try {
        this.hub = new SharedSessionHub({
          hubId: `${this.tabId}/${++this.leaderships}`,
          post: (message) => this.broadcast(message),
          deliverHere: (message) => this.onHubMessage(message),
          ownTab: this.tabId,
          open: (resumeFrom) => this.open(this.ownOptions, resumeFrom),
          ...definedOnly({ takeover }),
        });
      } catch (error) {
        const failure = error instanceof WirestateError ? error : new WirestateError('connection', 'shared session failed to start', { cause: error });
        this.end({ code: CLOSE_CODES.Abnormal, reason: failure.message, clientRequested: false, error: failure });
        release();
        return;
      }
      this.hub.announce();
    });
  }

  private onHubMessage(message: HubMessage): void {
    if (this.ended) return;
    if (message.t === 'msgs') {
      for (const item of message.items) this.onStreamMessage(message.hub, item);
      return;
    }
    if (message.hub !== this.hubId) {
      if (message.t !== 'hello' || this.formerHubs.has(message.hub)) return;
      this.follow(message.hub);
    }
    this.lastHeard = Date.now();
    switch (message.t) {
      case 'hello':
      case 'state':
        this.setSnapshot(fromWireSnapshot(message.snapshot));
        return;
      case 'handover':
        this.handover = message.handover;
        return;
      case 'event':
        this.events$.next(message.data === undefined ? { event: message.event } : { event: message.event, data: message.data });
        return;
      case 'error':
        this.errors$.next(fromWireError(message.error) as WirestateError);
        return;
      case 'gaps':
        this.announceGaps(message.streams);
        return;
      case 'fresh':
        this.lastSeq = undefined;
        this.onlyFrom = message.hub;
        return;
      case 'stream-error':
        this.streams.fail(message.stream, fromWireError(message.error));
        return;
      case 'stream-states':
        this.streams.setStates(message.states);
        return;
      case 'response':
        if (message.to === this.tabId) this.requests.answer(message.hub, message.id, message.outcome);
        return;
      case 'seq':
        // Messages of streams only the leader's tab holds never come here: the notice says how far the session got.
        if (this.counts(message.hub)) this.advanceSeq(message.lastSeq);
        return;
      case 'ping':
        this.send({ t: 'pong', from: this.tabId, version: this.version });
        return;
      case 'resync':
        if (message.to !== this.tabId) return;
        this.sendClaims();
        if (message.expired) this.announceGaps(this.streams.names());
        return;
      case 'closed':
        this.end(fromWireReason(message.reason));
        return;
    }
  }

  private onStreamMessage(hub: string, [stream, data, seq]: StreamItem): void {
    if (!this.counts(hub)) return;
    // Seq rises across all streams of the server session: at or below the last one, this tab had it (a new leader's replay).
    if (seq !== undefined && !this.advanceSeq(seq)) return;
    this.streams.deliver(stream, data);
  }

  /** Whether a hub's stream messages and seqs count: after a fresh session, only those of the hub that started it. */
  private counts(hub: string): boolean {
    return this.onlyFrom === undefined || hub === this.onlyFrom;
  }

  /** Takes `seq` as the last one this tab has seen; false when it is not newer (this tab had it). */
  private advanceSeq(seq: number): boolean {
    if (this.lastSeq !== undefined && seq <= this.lastSeq) return false;
    this.lastSeq = seq;
    return true;
  }

  /** A new leader: it learns this tab's claims, gets the requests that wait, and starts if this tab asked. */
  private follow(hubId: string): void {
    if (this.hubId !== undefined) this.formerHubs.add(this.hubId);
    this.hubId = hubId;
    this.onlyFrom = undefined;
    this.streams.clearStates();
    this.sendClaims();
    this.requests.hubChanged(hubId);
    if (this.startWanted) this.send({ t: 'start', from: this.tabId });
  }

  private sendClaims(): void {
    this.send({ t: 'claims', from: this.tabId, version: this.version, streams: this.streams.names() });
  }

  private announceGaps(streams: readonly string[]): void {
    const observed = streams.filter((stream) => this.streams.has(stream));
    if (observed.length > 0) this.gaps$.next(observed);
  }

  private setSnapshot(snapshot: SessionSnapshot): void {
    if (snapshotChanged(this.state$.getValue(), snapshot)) this.state$.next(snapshot);
  }

  /** Ends this tab's use of the shared session: its observers, requests and observables end, as a closed session's do. */
  private end(reason: ClosedReason): void {
    if (this.ended) return;
    this.ended = true;
    this.lockRequest.abort();
    clearInterval(this.watchdog);
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    const error = reason.error;
    this.requests.closeAll(new SessionClosedError(undefined, error ? { cause: error } : undefined));
    this.streams.close(error);
    this.events$.complete();
    this.errors$.complete();
    this.gaps$.complete();
    this.finalSnapshot = { ...this.state$.getValue(), value: 'closed', closedReason: reason };
    this.state$.next(this.finalSnapshot);
    this.state$.complete();
    this.resolveClosed(reason);
    this.finished = this.finish();
  }

  /** In the leader: hands the session over to a tab waiting for the lock, or closes it when none waits. */
  private async finish(): Promise<void> {
    const hub = this.hub;
    if (hub !== undefined) {
      const successor = await this.hasSuccessor();
      const retired = hub.retire(successor, HANDOVER_GRACE_MS);
      if (successor) this.releaseLock?.();
      await retired;
      this.releaseLock?.();
    }
    this.batcher.close();
    this.channel.close();
  }

  private async hasSuccessor(): Promise<boolean> {
    try {
      const { pending = [] } = await this.platform.locks.query();
      return pending.some((lock) => lock.name === this.lockName);
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (!this.ended) {
      this.send({ t: 'bye', from: this.tabId });
      this.end(CLIENT_CLOSE);
    }
    await this.finished;
  }
}

/**
 * Creates the shared session of `options.share` in this tab (see the `share` option): it joins
 * the tabs of this origin that share the name, and leads them when it gets the name's lock.
 * Throws an OptionsError for bad options (this tab's are checked even when another tab leads) or
 * where the platform cannot share.
 */
export function createSharedSession(options: SessionOptions, open: OpenSession): Session {
  const platform = sharingPlatform(options.share);
  const { share, ...ownOptions } = options;
  return new SharedSessionTab(platform, share!, ownOptions, open).api;
}
