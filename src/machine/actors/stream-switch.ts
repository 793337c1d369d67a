/**
 * The per-stream switch of a protocol without resume (no `seq` to deduplicate by): a stream's
 * messages come from the old socket until its first message arrives on the new one, and only from
 * the new one after that. At the switch a message may be seen twice or missed, because nothing ties
 * the two sockets' messages together.
 *
 * @example
 * ```ts
 * const streams = new StreamSwitch(['a', 'b']);
 * streams.accept(false, 'a'); // true: the old socket still carries a
 * streams.accept(true, 'a');  // true, and a now comes only from the new socket
 * streams.accept(false, 'a'); // false
 * ```
 */
export class StreamSwitch {
  readonly #waiting: Set<string>;
  readonly #moved = new Set<string>();

  constructor(streams: Iterable<string>) {
    this.#waiting = new Set(streams);
  }

  /** Whether a message of `stream` from the new (`fromNew`) or old socket is delivered; the new socket's first message moves the stream. */
  accept(fromNew: boolean, stream: string): boolean {
    if (fromNew) {
      if (!this.#moved.has(stream)) {
        this.#moved.add(stream);
        this.#waiting.delete(stream);
      }
      return true;
    }
    return !this.#moved.has(stream);
  }

  /** Whether every carried-over stream has moved to the new socket. */
  get done(): boolean {
    return this.#waiting.size === 0;
  }
}
