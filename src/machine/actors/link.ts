import type { Codec } from '../../codecs/codec.js';
import { ConnectionLostError } from '../../errors.js';
import type { Handshake } from '../../protocol/types.js';
import { openSocket } from '../../transport/socket.js';
import type { SocketConnection, SocketFeatures, SocketHandlers, WebSocketConstructor } from '../../transport/types.js';
import type { InboundSink } from '../types.js';

/** The error a send gets when it reaches the machine between connections; the correlator re-queues or fails it by its own rule. */
export function notConnectedError(): ConnectionLostError {
  return new ConnectionLostError('not sent: connection down');
}

/** At most this many unanswered requests are remembered per socket for a rotation's drain (oldest forgotten first). */
const MAX_TRACKED_REQUESTS = 10_000;

/**
 * One WebSocket of the socket actor, with what belongs to it alone. The actor has one, and a
 * second one only while a rotation hands the session over (see `handover.ts`).
 */
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
  /** While an orderly close waits for the peer's close frame: the timer that drops the socket then. */
  closeGrace?: ReturnType<typeof setTimeout>;
}

/** What opening a link needs from the socket actor's input. */
export interface LinkOptions {
  readonly WebSocket: WebSocketConstructor;
  readonly socketFeatures?: SocketFeatures;
  readonly maxInboundBytes?: number;
  readonly maxFrameBytes?: number;
  readonly onSocketGone?: (gone: Promise<void>) => void;
}

/** Opens a socket as a {@link Link}; `handlers` get the link itself, complete before any event arrives (none runs inside `openSocket`). */
export function openLink(options: LinkOptions, handshake: Handshake, handlers: (link: Link) => SocketHandlers): Link {
  let markGone!: () => void;
  options.onSocketGone?.(new Promise<void>((resolve) => (markGone = resolve)));
  const link = { codec: undefined, outstanding: new Map(), gone: false, markGone } as unknown as { -readonly [K in keyof Link]: Link[K] };
  link.connection = openSocket(
    {
      ...handshake,
      WebSocket: options.WebSocket,
      maxInboundBytes: options.maxInboundBytes,
      ...(options.maxFrameBytes === undefined ? {} : { maxFrameBytes: options.maxFrameBytes }),
      ...(options.socketFeatures === undefined ? {} : { features: options.socketFeatures }),
    },
    handlers(link),
  );
  return link;
}

/** Ends a socket other than by an orderly close: dropped at once, reported gone. */
export function drop(link: Link): void {
  clearTimeout(link.closeGrace);
  link.gone = true;
  link.connection.terminate();
  link.markGone();
}

/**
 * Closes with a close frame, and drops the socket if the close handshake has not finished after
 * `graceMs`: a half-open peer never answers, and `ws` would hold the socket (and its timer) for 30 s.
 * The socket's close (see {@link Link.closeGrace}) ends the wait.
 */
export function closeGracefully(link: Link, code: number, reason: string, graceMs: number): void {
  link.connection.close(code, reason);
  link.closeGrace = setTimeout(() => drop(link), graceMs);
}

/** Remembers a request sent on `link` until its answer, so a rotation can wait for it and report it lost with the socket. */
export function track(link: Link, id: number, sentAt: number, onLost: (error: Error) => void): void {
  link.outstanding.set(id, { sentAt, onLost });
  if (link.outstanding.size > MAX_TRACKED_REQUESTS) link.outstanding.delete(link.outstanding.keys().next().value as number);
}

/**
 * Requests still unanswered on a socket that ended while the session goes on (replaced by a
 * rotation): the server may never have read them. They get the error of a lost connection, so
 * the correlator re-sends the idempotent ones and fails the others, as after any drop.
 */
export function loseOutstanding(link: Link, inbound: InboundSink): void {
  if (link.outstanding.size === 0) return;
  const lost = [...link.outstanding.values()];
  link.outstanding.clear();
  for (const request of lost) request.onLost(notConnectedError());
  inbound.onRequestsLost?.();
}
