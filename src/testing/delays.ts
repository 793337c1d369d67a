/**
 * Cancellable delays for injected faults (a delayed handshake, INITIALIZE answer or balancer
 * answer), so that closing the server leaves no timer behind. Internal.
 */
export class PendingDelays {
  readonly #pending = new Map<NodeJS.Timeout, () => void>();

  /** Resolves `true` after `ms`, or `false` as soon as {@link cancelAll} runs. */
  wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(timer);
        resolve(true);
      }, ms);
      this.#pending.set(timer, () => resolve(false));
    });
  }

  /** Cancels every pending delay; their promises resolve `false`. */
  cancelAll(): void {
    for (const [timer, cancel] of this.#pending) {
      clearTimeout(timer);
      cancel();
    }
    this.#pending.clear();
  }
}
