import type { Frame } from '../../src/codecs/codec.js';
import type { SocketCloseInfo, SocketHandlers, SocketOpenInfo } from '../../src/transport/types.js';

/** One reported socket event, in the order the handlers saw them. */
export type SocketEvent =
  | { readonly type: 'open'; readonly info: SocketOpenInfo }
  | { readonly type: 'frame'; readonly frame: Frame }
  | { readonly type: 'close'; readonly info: SocketCloseInfo }
  | { readonly type: 'error'; readonly error: Error };

/** Handlers that record every event, and a way to wait for one. */
export interface SocketRecorder {
  readonly handlers: SocketHandlers;
  readonly events: readonly SocketEvent[];
  /** Resolves with the first recorded event of `type` (past or future); rejects after `timeoutMs`. */
  next<T extends SocketEvent['type']>(type: T, timeoutMs?: number): Promise<Extract<SocketEvent, { type: T }>>;
  /** Event types in order, for sequence assertions. */
  types(): string[];
  /** Cancels pending waits' timers. */
  dispose(): void;
}

export function createSocketRecorder(): SocketRecorder {
  const events: SocketEvent[] = [];
  const waiters = new Set<{ type: string; settle: (event: SocketEvent) => void }>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  function record(event: SocketEvent): void {
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.type === event.type) {
        waiters.delete(waiter);
        waiter.settle(event);
      }
    }
  }

  return {
    events,
    handlers: {
      onOpen: (info) => record({ type: 'open', info }),
      onFrame: (frame) => record({ type: 'frame', frame }),
      onClose: (info) => record({ type: 'close', info }),
      onError: (error) => record({ type: 'error', error }),
    },
    next(type, timeoutMs = 5_000) {
      type Wanted = Extract<SocketEvent, { type: typeof type }>;
      const seen = events.find((event) => event.type === type);
      if (seen !== undefined) return Promise.resolve(seen as Wanted);
      return new Promise<Wanted>((resolve, reject) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          waiters.delete(waiter);
          reject(new Error(`no '${type}' event within ${timeoutMs} ms; got: ${events.map((event) => event.type).join(', ') || 'nothing'}`));
        }, timeoutMs);
        timers.add(timer);
        const waiter = {
          type,
          settle: (event: SocketEvent) => {
            clearTimeout(timer);
            timers.delete(timer);
            resolve(event as Wanted);
          },
        };
        waiters.add(waiter);
      });
    },
    types: () => events.map((event) => event.type),
    dispose() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      waiters.clear();
    },
  };
}

/** Waits until every queued macrotask at this point has run: enough for late socket events to surface. */
export function settle(rounds = 5): Promise<void> {
  return new Promise((resolve) => {
    let remaining = rounds;
    const step = () => (--remaining <= 0 ? resolve() : setImmediate(step));
    setImmediate(step);
  });
}
