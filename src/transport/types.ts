import type { Frame } from '../codecs/codec.js';

/**
 * An `on…` event-handler slot. Written as a method type on purpose: method parameters are checked
 * bivariantly, so the browser's `(this: WebSocket, ev: Event) => any` and `ws`'s
 * `(event: WebSocket.MessageEvent) => void` both fit without casts.
 */
export type WebSocketEventSlot<E> = {
  /** The handler, called with the event. */
  handle(event: E): void;
}['handle'] | null;

/**
 * The part of the WebSocket API wirestate relies on: the browser's `WebSocket`, Node's `ws`, and
 * most polyfills satisfy it (both `globalThis.WebSocket` and `ws`'s class are assignable to
 * {@link WebSocketConstructor} without a cast). A third constructor argument carries request
 * headers where the implementation supports them (`ws`); browsers ignore it.
 */
export interface WebSocketLike {
  /** The subprotocol the server selected ('' for none). */
  readonly protocol: string;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Bytes queued by `send` but not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Set to `'arraybuffer'` (`'nodebuffer'` for `ws`) so that binary frames arrive as bytes. */
  binaryType: string;
  /** Called once the handshake completed. */
  onopen: WebSocketEventSlot<unknown>;
  /** Called for every frame. */
  onmessage: WebSocketEventSlot<{
    /** A string for a text frame; bytes (ArrayBuffer, Buffer or a view) for a binary one. */
    data: unknown;
  }>;
  /** Called once when the connection closed, whoever closed it. */
  onclose: WebSocketEventSlot<{
    /** The close code (1006 when the connection dropped without a close frame). */
    code: number;
    /** The close reason, empty when none was sent. */
    reason: string;
    /** Whether the close handshake completed. */
    wasClean: boolean;
  }>;
  /** Called on a connection error; a close follows. */
  onerror: WebSocketEventSlot<unknown>;
  /** Narrowed to what wirestate sends, so that the DOM's `send(string | Blob | BufferSource)` fits. */
  send(data: string | ArrayBuffer | ArrayBufferView<ArrayBuffer>): void;
  /** Starts the close handshake. */
  close(code?: number, reason?: string): void;
  /** Drops the connection without a close handshake (`ws` has it; browsers do not). */
  terminate?(): void;
}

/** A constructor of {@link WebSocketLike} sockets. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string>; maxPayload?: number },
) => WebSocketLike;

/** What the transport reports when the socket opens. */
export interface SocketOpenInfo {
  /** The subprotocol the server selected ('' when none). */
  readonly protocol: string;
  /** `Resume-Id` response header, where the platform can read response headers (Node). */
  readonly resumeId?: string;
  /** `Connection-Id` response header, where the platform can read response headers (Node). */
  readonly connectionId?: string;
}

/** What the transport reports when the socket closes. */
export interface SocketCloseInfo {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  /** The HTTP status that answered the upgrade instead of 101, where the platform shows it (Node `ws`). */
  readonly httpStatus?: number;
}

/**
 * Callbacks a {@link SocketConnection} reports to. Each fires on the socket's own event, never
 * inside `openSocket` itself, in this order: at most one `onOpen`; then `onFrame`/`onError`; then
 * exactly one `onClose`, after which (or after `terminate()`) nothing fires. A connection that
 * never opens reports `onError` then `onClose` with 1006. Handlers must not throw.
 */
export interface SocketHandlers {
  onOpen(info: SocketOpenInfo): void;
  onFrame(frame: Frame): void;
  onClose(info: SocketCloseInfo): void;
  onError(error: Error): void;
  /** A pong frame arrived (only where the implementation shows them: `ws`); it proves the connection alive. */
  onPong?(): void;
}

/** Options to open one socket. */
export interface OpenSocketOptions {
  readonly url: string;
  readonly protocols: readonly string[];
  /** Request headers; sent where the platform allows (Node `ws`), ignored in browsers. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly WebSocket: WebSocketConstructor;
  /**
   * Largest incoming message in bytes, passed to the constructor as `maxPayload` (`ws` refuses a
   * larger frame from its header and closes the connection with 1009); browsers ignore it.
   */
  readonly maxInboundBytes?: number;
  /**
   * Largest frame the server takes, in bytes. Where the implementation can fragment (`ws`), a
   * larger message is sent as several frames of at most this size (continuation frames); see
   * {@link SocketConnection.canFragment} for the other platforms. Unlimited when absent.
   */
  readonly maxFrameBytes?: number;
  /** What the platform's sockets can do beyond the WebSocket API (`ws` in Node: see the Node entry); none when absent. */
  readonly features?: SocketFeatures;
}

/** What a socket's platform features report to the wrapper `openSocket` makes. */
export interface SocketFeatureHooks {
  /** The subprotocols offered, to check the handshake response against. */
  readonly offered: readonly string[];
  /** The handshake response arrived: its headers, and whether it selected an offered subprotocol, none, or one never offered. */
  upgraded(headers: Omit<SocketOpenInfo, 'protocol'>, selected: 'offered' | 'none' | { readonly unoffered: string }): void;
  /** The server refused the upgrade with this HTTP status (0 when unknown). */
  refused(status: number): void;
  /** Whether the socket is open, as the caller sees it. */
  isOpen(): boolean;
  /** The client answered the server's close frame: the close as the server sent it. */
  closeFrame(code: number, reason: string): void;
  /** A message, when the features deliver messages themselves (`direct`). */
  deliver(data: unknown): void;
  /** A pong answered a ping frame. */
  pong(): void;
}

/** The platform features attached to one socket. */
export interface AttachedSocketFeatures {
  /** Whether messages come through `hooks.deliver` (then `onmessage` is not used). */
  readonly direct: boolean;
  /** Sends a ping frame; absent where the socket has none (browsers). */
  readonly ping?: () => void;
  /** Sends `frame` as frames of at most `maxFrameBytes`; false when it fits in one, which the caller then sends. Absent where the socket cannot fragment. */
  readonly sendFragmented?: (frame: Frame, maxFrameBytes: number) => boolean;
  /** Removes every listener the features added. */
  detach(): void;
}

/**
 * Attaches what a platform's sockets offer beyond the WebSocket API (handshake response headers,
 * binary frames without a copy, ping frames, fragmentation), or returns undefined for a socket
 * that offers none of it. The Node entry passes the one for `ws`; browsers need none, so the
 * browser entry does not carry it.
 */
export type SocketFeatures = (socket: WebSocketLike, hooks: SocketFeatureHooks) => AttachedSocketFeatures | undefined;

/** One open (or opening) socket, wrapped so the rest of the library never touches the raw API. */
export interface SocketConnection {
  /**
   * Sends one encoded frame: a string as a text frame, bytes as a binary frame. After `close()`,
   * `terminate()` or the close report the frame is dropped silently (the close report says why);
   * before `onOpen` it throws, as that is a bug in the caller.
   */
  send(frame: Frame): void;
  /**
   * Starts the close handshake with an explicit code (a bare close sends 1005, which servers read
   * as abnormal); events keep coming until `onClose`. The reason is cut to 123 UTF-8 bytes. Throws
   * an OptionsError for a code no close frame may carry (1004-1006, 1015, outside 1000-4999). Where
   * the implementation refuses a valid code (browsers accept only 1000 and 3000-4999 from a
   * client), it falls back to a bare close. Closing while still connecting reports only the close
   * (1006), not the aborted handshake's error. A second call does nothing.
   */
  close(code: number, reason?: string): void;
  /**
   * Drops the socket at once without waiting for the close handshake and detaches every handler:
   * no handler fires afterwards, not even `onClose`. `ws` drops the TCP connection (1006 at the
   * server); a browser socket gets a bare close (1005), never 1000, so the server does not take it
   * as the client ending its session.
   */
  terminate(): void;
  /**
   * Sends a WebSocket ping frame where the implementation can (`ws`), and returns whether it did.
   * Browsers cannot: it returns false there, and liveness rests on received messages alone.
   */
  ping(): boolean;
  /** Whether a message over `maxFrameBytes` can be sent as several frames (`ws` can; browsers cannot). */
  readonly canFragment: boolean;
}
