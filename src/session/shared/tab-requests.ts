import { definedOnly } from '../../defined-only.js';
import { ConnectionLostError, QueueFullError, RequestAbortedError, RequestTimeoutError } from '../../errors.js';
import { MAX_TIMER_DELAY_MS } from '../../constants.js';
import type { SessionRequestOptions } from '../api.js';
import { refusedRequestOptions } from '../call-options.js';
import { REQUEST_TIMEOUT_SLACK_MS } from './timing.js';
import { fromWireError } from './wire-error.js';
import type { TabMessage, WireOutcome } from './wire.js';

/** One request of this tab until it settles. */
interface Pending {
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
  readonly idempotent: boolean;
  /** When the tab's own timeout fires (epoch ms), Infinity for none. */
  readonly deadline: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** The hub it went to; undefined while it waits for one. */
  sentTo: string | undefined;
  cleanup: () => void;
}

/** Options of {@link TabRequests}. */
export interface TabRequestsOptions {
  readonly tabId: string;
  readonly send: (message: TabMessage) => void;
  /** This tab's `requestTimeoutMs`. */
  readonly defaultTimeoutMs: number;
  /** This tab's `maxQueuedRequests`: how many may wait while no leader is known. */
  readonly maxQueued: number;
}

/**
 * A tab's requests in a shared session. The tab's own timer is the authority on timeouts (it runs
 * while no leader exists, during a takeover); an abort or a timeout also tells the leader, which
 * abandons its copy. When the leader changes, requests sent to the old one are re-sent to the new
 * one if idempotent, and fail with ConnectionLostError otherwise: as on a connection drop, the old
 * leader may or may not have sent them.
 */
export class TabRequests {
  private readonly pending = new Map<number, Pending>();
  private hub: string | undefined;
  private nextId = 1;
  private closedWith: Error | undefined;

  constructor(private readonly options: TabRequestsOptions) {}

  request(method: string, params: unknown, requestOptions: SessionRequestOptions): Promise<unknown> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    const refused = refusedRequestOptions(requestOptions);
    if (refused !== undefined) return refused;
    const { signal } = requestOptions;
    if (signal?.aborted) return Promise.reject(new RequestAbortedError(method, { cause: signal.reason }));
    const timeoutMs = requestOptions.timeoutMs ?? this.options.defaultTimeoutMs;
    if (this.hub === undefined && this.waiting() >= this.options.maxQueued) return Promise.reject(new QueueFullError(this.options.maxQueued));
    return new Promise<unknown>((resolve, reject) => {
      const id = this.nextId++;
      const settle = (error: Error) => this.settle(id, { error });
      const timer = timeoutMs === Infinity ? undefined : setTimeout(() => settle(new RequestTimeoutError(method, timeoutMs)), Math.min(timeoutMs, MAX_TIMER_DELAY_MS));
      const onAbort = () => settle(new RequestAbortedError(method, { cause: signal?.reason }));
      signal?.addEventListener('abort', onAbort, { once: true });
      const entry: Pending = {
        id,
        method,
        params,
        idempotent: requestOptions.idempotent ?? false,
        deadline: timeoutMs === Infinity ? Infinity : Date.now() + timeoutMs,
        resolve,
        reject,
        sentTo: undefined,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      this.pending.set(id, entry);
      if (this.hub !== undefined) this.dispatch(entry, this.hub);
    });
  }

  /** A new leader: what waited goes to it, idempotent requests of the old one are sent again, the others fail. */
  hubChanged(hub: string): void {
    this.hub = hub;
    for (const entry of [...this.pending.values()]) {
      if (entry.sentTo === undefined || entry.idempotent) this.dispatch(entry, hub);
      else this.settle(entry.id, { error: new ConnectionLostError('leader tab lost before the answer') }, false);
    }
  }

  /** An answer of the hub `hub`; one from another hub than the request went to is stale and ignored. */
  answer(hub: string, id: number, outcome: WireOutcome): void {
    const entry = this.pending.get(id);
    if (entry === undefined || entry.sentTo !== hub) return;
    if (outcome.ok) this.settle(id, { result: outcome.result });
    else this.settle(id, { error: fromWireError(outcome.error) }, false);
  }

  /** Rejects every request with `error`, and every later one. */
  closeAll(error: Error): void {
    this.closedWith ??= error;
    for (const id of [...this.pending.keys()]) this.settle(id, { error }, false);
  }

  private waiting(): number {
    let count = 0;
    for (const entry of this.pending.values()) if (entry.sentTo === undefined) count++;
    return count;
  }

  private dispatch(entry: Pending, hub: string): void {
    entry.sentTo = hub;
    const remaining = entry.deadline === Infinity ? Infinity : Math.max(1, entry.deadline - Date.now()) + REQUEST_TIMEOUT_SLACK_MS;
    this.options.send({
      t: 'request',
      from: this.options.tabId,
      id: entry.id,
      method: entry.method,
      ...definedOnly({ params: entry.params }),
      timeoutMs: remaining,
      idempotent: entry.idempotent,
    });
  }

  private settle(id: number, outcome: { readonly result?: unknown; readonly error?: Error }, tellHub = true): void {
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    this.pending.delete(id);
    entry.cleanup();
    if (outcome.error === undefined) {
      entry.resolve(outcome.result);
      return;
    }
    // The leader's copy is abandoned too, so a late answer frees nothing there.
    if (tellHub && entry.sentTo !== undefined) this.options.send({ t: 'abort', from: this.options.tabId, id });
    entry.reject(outcome.error);
  }
}
