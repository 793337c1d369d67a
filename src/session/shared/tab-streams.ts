import { Observable, type Subscriber } from 'rxjs';
import { observeRefusal } from '../../streams/observe-refusal.js';
import type { StreamState } from '../../streams/stream-entry.js';
import type { StreamInfo } from '../../streams/stream-info.js';

/** One stream as a tab sees it: its local observers and what the leader last said about it. */
interface TabStream {
  readonly subscribers: Set<Subscriber<unknown>>;
  state: StreamState | undefined;
  /** Messages delivered to this tab's observers. */
  messages: number;
}

/** What {@link TabStreams} tells the tab about: the first local observer of a name, and the last one leaving. */
export interface TabStreamsOptions {
  readonly onWanted: (stream: string) => void;
  readonly onDropped: (stream: string) => void;
}

/**
 * A tab's streams in a shared session: observers of one name share one claim on the leader. The
 * first observer claims the name, the last one leaving drops the claim at the end of the tick (so
 * a same-tick re-mount sends nothing), and messages are routed by one Map lookup.
 */
export class TabStreams {
  private readonly streams = new Map<string, TabStream>();
  private readonly failed = new Set<string>();
  private closed: { readonly error: Error | undefined } | undefined;

  constructor(private readonly options: TabStreamsOptions) {}

  /** A hot observable of one stream's data, shared by this tab's observers (see `Session.stream`). */
  observe<T>(name: string): Observable<T> {
    return new Observable<T>((subscriber) => {
      const refusal = observeRefusal(name, this.closed);
      if (refusal !== undefined) {
        subscriber.error(refusal);
        return undefined;
      }
      let stream = this.streams.get(name);
      if (stream === undefined) {
        stream = { subscribers: new Set(), state: undefined, messages: 0 };
        this.streams.set(name, stream);
        this.failed.delete(name);
        this.options.onWanted(name);
      }
      const entry = stream;
      entry.subscribers.add(subscriber as Subscriber<unknown>);
      return () => {
        if (!entry.subscribers.delete(subscriber as Subscriber<unknown>) || entry.subscribers.size > 0) return;
        queueMicrotask(() => {
          if (this.streams.get(name) !== entry || entry.subscribers.size > 0 || this.closed !== undefined) return;
          this.streams.delete(name);
          this.options.onDropped(name);
        });
      };
    });
  }

  /** Delivers one message to the stream's observers here, if any. */
  deliver(name: string, data: unknown): void {
    const stream = this.streams.get(name);
    if (stream === undefined) return;
    stream.messages++;
    for (const subscriber of stream.subscribers) subscriber.next(data);
  }

  /** This tab's streams as diagnostics see them (`Session.inspectStreams` in a follower tab): its own observers and deliveries. */
  inspect(): StreamInfo[] {
    return [...this.streams].map(([name, stream]) => ({ name, state: stream.state ?? 'subscribing', observers: stream.subscribers.size, messages: stream.messages, gaps: 0 }));
  }

  /** The leader's session refused the stream (or failed it): its observers here get the error; the leader has dropped every claim on it. */
  fail(name: string, error: Error): void {
    const stream = this.streams.get(name);
    if (stream === undefined) return;
    this.streams.delete(name);
    this.failed.add(name);
    for (const subscriber of [...stream.subscribers]) subscriber.error(error);
  }

  /** Records stream states as the leader reported them. */
  setStates(states: ReadonlyArray<readonly [string, StreamState]>): void {
    for (const [name, state] of states) {
      const stream = this.streams.get(name);
      if (stream !== undefined) stream.state = state;
    }
  }

  /** Forgets the leader's stream states (a new leader reports its own). */
  clearStates(): void {
    for (const stream of this.streams.values()) stream.state = undefined;
  }

  /** Where a stream stands for this tab: `inactive` or `failed` when not observed here, else the leader's word (`subscribing` until it has one). */
  stateOf(name: string): StreamState {
    const stream = this.streams.get(name);
    if (stream === undefined) return this.failed.has(name) ? 'failed' : 'inactive';
    return stream.state ?? 'subscribing';
  }

  /** Names this tab observes, in the order they were first observed. */
  names(): string[] {
    return [...this.streams.keys()];
  }

  /** Whether this tab observes the stream. */
  has(name: string): boolean {
    return this.streams.has(name);
  }

  /** Completes every observer, or errors it with `error`; later `observe()` calls error with SessionClosedError. */
  close(error?: Error): void {
    if (this.closed !== undefined) return;
    this.closed = { error };
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const stream of streams) {
      for (const subscriber of [...stream.subscribers]) {
        if (error === undefined) subscriber.complete();
        else subscriber.error(error);
      }
    }
  }
}
