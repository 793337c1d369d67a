/**
 * A bounded buffer of a session's most recent stream messages, kept so that a resumed session can
 * be sent what it missed. Internal to the test server.
 *
 * Seqs of one session are contiguous, so only the newest seq is stored: the seq of every entry
 * follows from its position. Two parallel arrays avoid one object per message on the hot path.
 */
export class ReplayBuffer {
  readonly #capacity: number;
  readonly #streams: string[] = [];
  readonly #data: unknown[] = [];
  /** Index of the oldest entry once the arrays have reached capacity. */
  #start = 0;
  #size = 0;
  /** Seq of the newest entry (0 when nothing was ever pushed). */
  #newestSeq = 0;

  /** @param capacity - how many messages are kept at most; 0 keeps none. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** How many messages are held. */
  get size(): number {
    return this.#size;
  }

  /** Appends the message with the given seq, which must be one more than the previous one. */
  push(seq: number, stream: string, data: unknown): void {
    this.#newestSeq = seq;
    if (this.#capacity === 0) return;
    if (this.#size < this.#capacity) {
      this.#streams.push(stream);
      this.#data.push(data);
      this.#size++;
      return;
    }
    this.#streams[this.#start] = stream;
    this.#data[this.#start] = data;
    this.#start = (this.#start + 1) % this.#capacity;
  }

  /**
   * Whether every message after `lastSeq` is still held, so a client that saw `lastSeq` can be
   * brought up to date without a gap. A `lastSeq` beyond the newest seq is not covered: the client
   * claims messages this session never sent.
   */
  covers(lastSeq: number): boolean {
    return lastSeq <= this.#newestSeq && lastSeq >= this.#newestSeq - this.#size;
  }

  /** Calls `visit` for every held message after `lastSeq`, oldest first. Call {@link covers} first. */
  forEachAfter(lastSeq: number, visit: (seq: number, stream: string, data: unknown) => void): void {
    const oldestSeq = this.#newestSeq - this.#size + 1;
    const skip = Math.max(0, lastSeq + 1 - oldestSeq);
    for (let offset = skip; offset < this.#size; offset++) {
      const index = this.#size < this.#capacity ? offset : (this.#start + offset) % this.#capacity;
      visit(oldestSeq + offset, this.#streams[index] as string, this.#data[index]);
    }
  }

  /** Drops every message (the seq counter is the session's and is not reset). */
  clear(): void {
    this.#streams.length = 0;
    this.#data.length = 0;
    this.#start = 0;
    this.#size = 0;
  }
}
