/** A small typed event hub with a promise helper. Internal to the test server. */

type Listener<T> = (payload: T) => void;

/** Thrown by the test server's `waitFor` and `waitForPacket` when nothing matched in time. */
export class WaitTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    this.name = 'WaitTimeoutError';
  }
}

/** Events keyed by name, each with its payload type. */
export class TypedEvents<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
  /** Cancels a pending {@link waitFor}: clears its timer and rejects it. */
  readonly #waits = new Set<(reason: Error) => void>();

  /** Adds a listener; returns a function that removes it. */
  on<Name extends keyof Events>(name: Name, listener: Listener<Events[Name]>): () => void {
    let set = this.#listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  /** Whether anyone listens, so hot paths can skip building a payload. */
  has(name: keyof Events): boolean {
    return (this.#listeners.get(name)?.size ?? 0) > 0;
  }

  /**
   * Calls every listener. A listener that throws must not break the server's own handling (it runs
   * inside socket callbacks), so the error is rethrown on a fresh task, where the test runner
   * reports it as an unhandled error.
   */
  emit<Name extends keyof Events>(name: Name, payload: Events[Name]): void {
    const set = this.#listeners.get(name);
    if (set === undefined || set.size === 0) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[Name]>)(payload);
      } catch (error) {
        setImmediate(() => {
          throw error;
        });
      }
    }
  }

  /**
   * Resolves with the first payload of `name` that matches `predicate` (every payload when none is
   * given); rejects with {@link WaitTimeoutError} after `timeoutMs`, and removes its listener and
   * timer either way.
   */
  waitFor<Name extends keyof Events>(
    name: Name,
    predicate: (payload: Events[Name]) => boolean = () => true,
    timeoutMs = 2_000,
  ): Promise<Events[Name]> {
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        off();
        this.#waits.delete(cancel);
      };
      const cancel = (reason: Error): void => {
        settle();
        reject(reason);
      };
      const timer = setTimeout(() => cancel(new WaitTimeoutError(`a matching "${String(name)}" event`, timeoutMs)), timeoutMs);
      const off = this.on(name, (payload) => {
        let matched: boolean;
        try {
          matched = predicate(payload);
        } catch (error) {
          cancel(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (!matched) return;
        settle();
        resolve(payload);
      });
      this.#waits.add(cancel);
    });
  }

  /** Removes every listener and rejects every pending wait with `reason`. */
  clear(reason = new Error('The event source closed.')): void {
    for (const cancel of [...this.#waits]) cancel(reason);
    this.#listeners.clear();
  }
}
