import type { Codec } from '../../codecs/codec.js';
import type { SocketConnection, SocketOpenInfo } from '../../transport/types.js';

/** One WebSocket of the socket actor, with what belongs to it alone. */
export interface Link {
  readonly connection: SocketConnection;
  /** Set once the server selected one; frames before that are ignored. */
  codec: Codec | undefined;
  /**
   * The correlator's requests sent on this socket and not answered yet (id to time sent), for the
   * drain before a resume; kept only for protocols that resume, and bounded.
   */
  readonly outstanding: Map<number, { readonly sentAt: number; readonly onLost: (error: Error) => void }>;
  /** Whether the socket reported its close (or was dropped). */
  gone: boolean;
  /** Tells the session's `close()` that this socket is gone for good. */
  readonly markGone: () => void;
}

/**
 * Where a make-before-break handover stands. Two sockets exist only while one is in progress, and
 * it ends (swapped or failed) within the rotation's timeout.
 * - `opening`: the replacement's handshake is under way; the serving socket carries everything.
 * - `draining`: the replacement is open; new sends wait, until every request sent on the serving
 *   socket is answered, so the server's takeover cannot swallow one (resume protocols only).
 * - `resuming`: the resume initialize request went out on the replacement; a close of the serving socket is
 *   now the server's expected takeover (4000), not a failure.
 * A protocol without resume swaps as soon as the replacement is open (see {@link StreamSwitch}).
 */
export type HandoverPhase = 'opening' | 'draining' | 'resuming';

/** A send held back while the handover drains or resumes; it goes out on whichever socket serves afterwards. */
export interface HeldSend {
  readonly send: () => void;
}

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

/** One handover in progress: the replacement socket and its phase. */
export interface Handover {
  readonly link: Link;
  phase: HandoverPhase;
  /** Whether a close of the serving socket with this code, before the resume went out, lets the handover go on as the resume. */
  readonly continuesAfter: (code: number) => boolean;
  /** The id of the resume initialize request, once sent. */
  initializeId?: number;
  /** Sends held during `draining` and `resuming`. */
  readonly held: HeldSend[];
  /** The close of the serving socket while resuming (the server's takeover), reported only if the handover then fails. */
  servingClose?: { code: number; reason: string; wasClean: boolean };
  /** What the replacement's handshake response showed (Resume-Id, connection id), once open. */
  info?: SocketOpenInfo;
  /** Gives the seq for the resume, read when it is sent. */
  lastSeq?: () => number | undefined;
  /** `name/version` for the resume initialize request. */
  client?: string;
  /** Re-checks the drain when the oldest request in flight stops counting. */
  drainTimer?: ReturnType<typeof setTimeout>;
  /** The handover's whole budget; also how long a stream switch may take. */
  readonly timeoutMs: number;
  readonly openedAt: number;
  readonly timer: ReturnType<typeof setTimeout>;
}
