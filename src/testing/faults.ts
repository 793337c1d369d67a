/**
 * Fault injection for the test server: network drops, half-open connections, refused or delayed
 * handshakes, rejected resumes, garbage frames, restarts, and balancer failures. Reached through
 * `server.faults`.
 */
import { OptionsError } from '../errors.js';
import { isSendableCloseCode, MAX_CLOSE_REASON_BYTES } from '../transport/close-arguments.js';
import { DEFAULT_MALFORMED_BODY } from './balancer.js';
import { closeConnections } from './close-all.js';
import type { ServerConnection } from './connection-types.js';
import type { ServerContext } from './context.js';
import type { RefusalMode } from './fault-state.js';
import { SERVER_CLOSE_CODES } from './server-errors.js';
import type { ConnectionInfo } from './records.js';

export type { RefusalMode } from './fault-state.js';

/**
 * Which connections a fault applies to: `'all'`, a connection id or a session id, or a predicate
 * over connection snapshots.
 */
export type ConnectionTarget = 'all' | string | ((connection: ConnectionInfo) => boolean);

/** Frames no codec decodes: JSON cut short, a MessagePack byte that is never used, a BSON document whose length lies. */
const GARBAGE_FRAMES = {
  json: '}{ this is not JSON',
  msgpack: Uint8Array.of(0xc1),
  bson: Uint8Array.of(0x10, 0x00, 0x00, 0x00, 0x02),
} as const;

/** The fault controls of one test server. Every method returns at once; counts say how many connections were hit. */
export class TestServerFaults {
  readonly #context: ServerContext;

  /** @internal Created by the test server. */
  constructor(context: ServerContext) {
    this.#context = context;
  }

  /**
   * Cuts connections without a close frame (the TCP socket is destroyed); the client sees 1006. The
   * sessions are held for a resume, as after a real network drop.
   * @returns how many connections were dropped
   */
  dropConnection(target: ConnectionTarget = 'all'): number {
    return this.#apply(target, (connection) => connection.terminate());
  }

  /**
   * Closes connections with any code a close frame may carry (1000-1003, 1007-1014, 3000-4999) and
   * an optional reason of at most 123 bytes.
   * @returns how many connections were closed
   */
  closeConnection(target: ConnectionTarget, code: number, reason = ''): number {
    if (!isSendableCloseCode(code)) throw new OptionsError(`close code ${code} must be sendable`);
    if (Buffer.byteLength(reason) > MAX_CLOSE_REASON_BYTES) throw new OptionsError('close reason must be at most 123 bytes');
    return this.#apply(target, (connection) => connection.close(code, reason));
  }

  /**
   * Half-open connections: the server stops reading from them (pings go unanswered, packets
   * unhandled) and stops sending (no responses, stream messages, pings or timeouts), while the TCP
   * connection stays open. Stream messages published meanwhile are still kept for a resume. A
   * silenced connection stays silent until it is closed; a resume of its session cuts it.
   * @returns how many connections went silent
   */
  goSilent(target: ConnectionTarget = 'all'): number {
    return this.#apply(target, (connection) => connection.goSilent());
  }

  /**
   * Refuses the next upgrade requests: `destroy` (default) cuts the socket, so the client sees a
   * failed connect; `http-401`, `http-403`, `http-429` and `http-503` answer that HTTP status. The
   * balancer keeps answering.
   * @param options - `times`: how many requests to refuse (default Infinity, until {@link restore});
   * `mode`: `destroy` (default) or an `http-` status.
   */
  refuseConnections(options: { readonly times?: number; readonly mode?: RefusalMode } = {}): void {
    this.#context.faults.refuseConnections.arm(options.mode ?? 'destroy', options.times ?? Infinity);
  }

  /**
   * Selects this subprotocol for the next upgrades instead of negotiating, as servers that ignore
   * the offer do: `false` selects none (the connection then speaks JSON, as docs/protocol.md section 2
   * says), a name the client never offered makes a conforming client give up.
   * @param times - @default 1
   */
  selectSubprotocol(choice: string | false, times = 1): void {
    this.#context.faults.selectSubprotocol.arm(choice, times);
  }

  /**
   * Answers the next resumes with `resumed: false` and a fresh session, as if the server had lost
   * the held session (which is forgotten).
   * @param times - @default 1
   */
  rejectNextResume(times = 1): void {
    this.#context.faults.rejectResume.arm(true, times);
  }

  /**
   * Holds the next upgrade requests for `ms` before answering them.
   * @param times - @default Infinity (until {@link restore})
   */
  delayHandshake(ms: number, times = Infinity): void {
    this.#context.faults.delayHandshake.arm(ms, times);
  }

  /**
   * Holds the answer to the next INITIALIZE requests for `ms` (the init timeout no longer applies
   * once INITIALIZE arrived). Packets that arrive meanwhile are handled after the answer; stream
   * messages published meanwhile are sent after it, in seq order.
   * @param times - @default Infinity (until {@link restore})
   */
  delayInitialize(ms: number, times = Infinity): void {
    this.#context.faults.delayInitialize.arm(ms, times);
  }

  /**
   * Swallows the next requests: they are recorded (and emitted as `packet` events) but neither
   * handled nor answered, as a server that silently ignores what it does not like. Use it to test
   * request and subscribe timeouts. With `methods`, only requests with one of those methods count.
   * In the reference dialect an ignored INITIALIZE leads to the init timeout (`4202`).
   * @param options.times - how many requests to swallow. @default Infinity (until {@link restore})
   *
   * @example
   * ```ts
   * server.faults.ignoreRequests({ methods: ['SUBSCRIBE'], times: 1 }); // the next subscribe is never answered
   * ```
   */
  ignoreRequests(options: { readonly times?: number; readonly methods?: readonly string[] } = {}): void {
    this.#context.faults.ignoreRequests.arm({ methods: options.methods === undefined ? undefined : [...options.methods] }, options.times ?? Infinity);
  }

  /**
   * Sends a frame that does not decode: by default one of the connection's own frame type that its
   * codec rejects; pass `frame` for anything else (a string goes in a text frame, bytes in a binary
   * frame, so a JSON connection can be sent a binary frame).
   * @returns how many connections were sent it
   */
  sendGarbage(target: ConnectionTarget = 'all', frame?: string | Uint8Array): number {
    return this.#apply(target, (connection) => connection.sendFrame(frame ?? GARBAGE_FRAMES[connection.codec.name]));
  }

  /**
   * Sends a stream message with a `seq` of the test's choosing, outside the session's own
   * numbering (which goes on unchanged, and which does not keep this message for a replay): a
   * huge `seq`, one that goes back, or one that skips, to test how a client treats a broken
   * sequence. Sent whether or not the connection's session subscribed the stream.
   * @returns how many connections were sent it
   *
   * @example
   * ```ts
   * server.faults.sendStreamMessage('all', { stream: 'btcusdt@trade', data: { p: 1 }, seq: 2 ** 40 });
   * ```
   */
  sendStreamMessage(target: ConnectionTarget, message: { readonly stream: string; readonly data?: unknown; readonly seq: number }): number {
    if (!Number.isSafeInteger(message.seq)) throw new OptionsError('seq must be a safe integer');
    return this.#apply(target, (connection) => connection.sendPacket({ stream: message.stream, data: message.data ?? null, seq: message.seq }));
  }

  /**
   * A server restart: forgets every session (no resume can succeed afterwards) and closes every
   * connection with `1012`. The ports stay open and armed faults stay armed.
   */
  async restart(): Promise<void> {
    const context = this.#context;
    context.sessions.forgetAll();
    await closeConnections(context.connections, SERVER_CLOSE_CODES.serverRestart, 'server restart', context.options.closeGraceMs);
  }

  /**
   * The next balancer answers have this HTTP status (and body, by default a small JSON error).
   * @param times - @default 1
   */
  balancerStatus(status: number, times = 1, body?: string): void {
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new OptionsError(`HTTP status ${status} must be from 200 to 599`);
    this.#context.faults.balancerStatus.arm(body !== undefined ? { status, body } : { status }, times);
  }

  /**
   * The next balancer answers are 200 with a body that is not a valid answer.
   * @param times - @default 1
   * @param body - @default `{"endpoint":` (JSON cut short); try `{"endpoint":"http://x"}` for a bad endpoint
   */
  balancerMalformed(times = 1, body = DEFAULT_MALFORMED_BODY): void {
    this.#context.faults.balancerMalformed.arm(body, times);
  }

  /**
   * The next balancer answers come `ms` late (combined with the other balancer faults when armed too).
   * @param times - @default 1
   */
  balancerDelay(ms: number, times = 1): void {
    this.#context.faults.balancerDelay.arm(ms, times);
  }

  /** Disarms every armed fault. Silenced connections stay silent and closed ones stay closed. */
  restore(): void {
    this.#context.faults.restore();
  }

  #apply(target: ConnectionTarget, action: (connection: ServerConnection) => void): number {
    const selected = [...this.#context.connections].filter((connection) => {
      if (target === 'all') return true;
      if (typeof target === 'function') return target(connection.info());
      return connection.connectionId === target || connection.session?.sessionId === target;
    });
    for (const connection of selected) action(connection);
    return selected.length;
  }
}
