/**
 * The pending injected faults that change how the server answers the next requests. Internal; tests
 * arm them through `server.faults`.
 */

/** A fault armed for a number of occurrences (Infinity: until restored). */
class Armed<T> {
  #value: T | undefined;
  #remaining = 0;

  arm(value: T, times: number): void {
    if (!(times > 0)) throw new RangeError(`A fault must be armed for at least one occurrence, got ${times}.`);
    this.#value = value;
    this.#remaining = times;
  }

  /** The armed value, consuming one occurrence; undefined when nothing is armed. */
  take(): T | undefined {
    if (this.#remaining <= 0) return undefined;
    this.#remaining--;
    const value = this.#value;
    if (this.#remaining <= 0) this.#value = undefined;
    return value;
  }

  /** Like {@link take}, but consumes an occurrence only when the armed value passes `applies`. */
  takeIf(applies: (value: T) => boolean): T | undefined {
    if (this.#remaining <= 0 || this.#value === undefined || !applies(this.#value)) return undefined;
    return this.take();
  }

  get armed(): boolean {
    return this.#remaining > 0;
  }

  disarm(): void {
    this.#value = undefined;
    this.#remaining = 0;
  }
}

/** How the `refuseConnections` fault refuses: cut the socket, or answer the upgrade with an HTTP status. */
export type RefusalMode = 'destroy' | 'http-401' | 'http-403' | 'http-429' | 'http-503';

export interface BalancerStatusFault {
  readonly status: number;
  readonly body?: string;
}

/** Which requests the `ignoreRequests` fault swallows: all of them, or those with one of these methods. */
export interface IgnoreRequestsFault {
  readonly methods: readonly string[] | undefined;
}

export class FaultState {
  readonly refuseConnections = new Armed<RefusalMode>();
  readonly delayHandshake = new Armed<number>();
  readonly delayInitialize = new Armed<number>();
  readonly rejectResume = new Armed<true>();
  readonly balancerStatus = new Armed<BalancerStatusFault>();
  readonly balancerMalformed = new Armed<string>();
  readonly balancerDelay = new Armed<number>();
  readonly ignoreRequests = new Armed<IgnoreRequestsFault>();
  /** The subprotocol to select instead of negotiating: `false` for none (the connection then speaks JSON). */
  readonly selectSubprotocol = new Armed<string | false>();

  /** Disarms every pending fault. */
  restore(): void {
    this.refuseConnections.disarm();
    this.delayHandshake.disarm();
    this.delayInitialize.disarm();
    this.rejectResume.disarm();
    this.balancerStatus.disarm();
    this.balancerMalformed.disarm();
    this.balancerDelay.disarm();
    this.ignoreRequests.disarm();
    this.selectSubprotocol.disarm();
  }
}
