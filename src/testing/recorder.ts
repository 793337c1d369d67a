/**
 * Keeps what the server saw, bounded, and lets tests wait for a received packet. Internal; the
 * server exposes it through its inspection methods.
 */
import type { BalancerRequestRecord, DisconnectRecord, HandshakeRecord, ReceivedPacket } from './records.js';
import { WaitTimeoutError } from './typed-events.js';

/** Handshakes, disconnects and balancer requests are few; this bounds them anyway. */
const MAX_OTHER_RECORDS = 10_000;

/**
 * A list that keeps at most `limit` newest entries. Trimming happens once the list is twice the
 * limit, so appending stays amortized O(1).
 */
class BoundedList<T> {
  readonly #limit: number;
  #items: T[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(item: T): void {
    if (this.#limit === 0) return;
    this.#items.push(item);
    if (this.#items.length >= this.#limit * 2) this.#items = this.#items.slice(-this.#limit);
  }

  items(): T[] {
    return this.#items.length > this.#limit ? this.#items.slice(-this.#limit) : [...this.#items];
  }

  clear(): void {
    this.#items = [];
  }
}

interface PacketWaiter {
  readonly predicate: (packet: ReceivedPacket) => boolean;
  readonly resolve: (packet: ReceivedPacket) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class Recorder {
  readonly #packets: BoundedList<ReceivedPacket>;
  readonly #handshakes = new BoundedList<HandshakeRecord>(MAX_OTHER_RECORDS);
  readonly #disconnects = new BoundedList<DisconnectRecord>(MAX_OTHER_RECORDS);
  readonly #balancer = new BoundedList<BalancerRequestRecord>(MAX_OTHER_RECORDS);
  readonly #waiters = new Set<PacketWaiter>();

  constructor(maxRecordedPackets: number) {
    this.#packets = new BoundedList(maxRecordedPackets);
  }

  packet(record: ReceivedPacket): void {
    this.#packets.push(record);
    if (this.#waiters.size === 0) return;
    for (const waiter of [...this.#waiters]) {
      let matched: boolean;
      try {
        matched = waiter.predicate(record);
      } catch (error) {
        this.#settle(waiter);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (matched) {
        this.#settle(waiter);
        waiter.resolve(record);
      }
    }
  }

  handshake(record: HandshakeRecord): void {
    this.#handshakes.push(record);
  }

  disconnect(record: DisconnectRecord): void {
    this.#disconnects.push(record);
  }

  balancer(record: BalancerRequestRecord): void {
    this.#balancer.push(record);
  }

  packets(): ReceivedPacket[] {
    return this.#packets.items();
  }

  handshakes(): HandshakeRecord[] {
    return this.#handshakes.items();
  }

  disconnects(): DisconnectRecord[] {
    return this.#disconnects.items();
  }

  balancerRequests(): BalancerRequestRecord[] {
    return this.#balancer.items();
  }

  /**
   * The first recorded packet matching `predicate`, looking at packets already recorded (since the
   * last clear) first, then waiting for new ones up to `timeoutMs`.
   */
  waitForPacket(predicate: (packet: ReceivedPacket) => boolean, timeoutMs: number): Promise<ReceivedPacket> {
    const recorded = this.#packets.items().find(predicate);
    if (recorded !== undefined) return Promise.resolve(recorded);
    return new Promise((resolve, reject) => {
      const waiter: PacketWaiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(new WaitTimeoutError('a matching received packet', timeoutMs));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Forgets every record (pending waits keep waiting). */
  clear(): void {
    this.#packets.clear();
    this.#handshakes.clear();
    this.#disconnects.clear();
    this.#balancer.clear();
  }

  /** Rejects pending waits: the server is closing. */
  close(): void {
    for (const waiter of [...this.#waiters]) {
      this.#settle(waiter);
      waiter.reject(new Error('The test server closed while waiting for a packet.'));
    }
  }

  #settle(waiter: PacketWaiter): void {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
  }
}
