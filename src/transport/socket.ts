import type { Frame } from '../codecs/codec.js';
import { redactSubprotocols } from '../codecs/negotiation.js';
import { NegotiationError, TransportError, WirestateError } from '../errors.js';
import { assertSendableCloseCode, truncateCloseReason } from './close-arguments.js';
import { describeData, toFrame } from './incoming-frame.js';
import { redactUrl, redactUrlIn } from './redact-url.js';
import type { OpenSocketOptions, SocketCloseInfo, SocketConnection, SocketHandlers, SocketOpenInfo, WebSocketLike } from './types.js';

/** RFC 6455: the connection ended without a close frame. Also what a failed open reports. */
const ABNORMAL_CLOSURE = 1006;

/**
 * After the server's close frame has been reported, how long `ws` may take to finish the close
 * handshake before the socket is dropped: a server that sends a close frame and stops reading
 * would otherwise hold it for ws's 30 s.
 */
const CLOSE_FRAME_GRACE_MS = 1_000;

/**
 * Where a connection is in its life, as the caller sees it.
 * - `connecting`: created, not open yet.
 * - `open`: `onOpen` reported.
 * - `closing`: the caller called `close()`; events are still reported until `onClose`.
 * - `finished`: `onClose` reported or `terminate()` called; no handler fires again.
 */
type Phase = 'connecting' | 'open' | 'closing' | 'finished';

/**
 * Opens a WebSocket through any {@link WebSocketConstructor} (the browser's `WebSocket`, Node's
 * `ws`, or one of your own) and reports its life to `handlers`.
 *
 * What the handlers see, always in this order:
 * 1. at most one `onOpen`, with the selected subprotocol and, where the implementation exposes
 *    the handshake response (`ws`, detected by its `on('upgrade')` event, never by importing it),
 *    the `Resume-Id` and `Connection-Id` response headers;
 * 2. after `onOpen`, any number of `onFrame` (a string for a text frame, a `Uint8Array` for a
 *    binary one) and `onError`;
 * 3. exactly one `onClose`, after which nothing fires. A connection that fails before it opens
 *    reports `onError` then `onClose` with 1006, like a lost one.
 *
 * No handler ever runs inside `openSocket` itself: even when the constructor throws at once (an
 * invalid URL, a refused subprotocol token), the failure is reported from a microtask as
 * `onError` then `onClose({ code: 1006, wasClean: false })`, exactly as an asynchronous failure
 * would be, so the caller has its {@link SocketConnection} in hand before any handler runs and
 * handles one sequence for every failure.
 *
 * Request headers (`options.headers`) go to the constructor as its third argument `{ headers }`;
 * `ws` sends them, browsers ignore the argument. `binaryType` is set to `'arraybuffer'`, except on
 * EventEmitter-style sockets that accept `'nodebuffer'` (`ws`), which then deliver binary frames
 * without copying them.
 *
 * Error messages never contain the URL's query or credentials (where tokens travel). Handlers
 * must not throw: an exception would surface inside the WebSocket implementation's event dispatch.
 *
 * @example
 * ```ts
 * const connection = openSocket(
 *   { url: 'wss://example.com/ws?version=1', protocols: ['json.v1'], WebSocket: globalThis.WebSocket },
 *   {
 *     onOpen: ({ protocol }) => connection.send(JSON.stringify({ id: 1, method: 'ECHO', params: { protocol } })),
 *     onFrame: (frame) => console.log(frame),
 *     onClose: ({ code, reason }) => console.log('closed', code, reason),
 *     onError: (error) => console.warn(error.message),
 *   },
 * );
 * ```
 */
export function openSocket(options: OpenSocketOptions, handlers: SocketHandlers): SocketConnection {
  let socket: WebSocketLike;
  try {
    const protocols = [...options.protocols];
    socket = options.headers === undefined && options.maxInboundBytes === undefined
      ? new options.WebSocket(options.url, protocols)
      : new options.WebSocket(options.url, protocols, {
          ...(options.headers === undefined ? {} : { headers: { ...options.headers } }),
          ...(options.maxInboundBytes === undefined ? {} : { maxPayload: options.maxInboundBytes }),
        });
  } catch (thrown) {
    return failedConnection(constructorError(thrown, options.url), handlers);
  }
  return watchSocket(socket, options.url, options.protocols, handlers, options.maxFrameBytes);
}

/** Wraps a socket that was created: reports its events in the documented order. */
function watchSocket(socket: WebSocketLike, url: string, offered: readonly string[], handlers: SocketHandlers, maxFrameBytes?: number): SocketConnection {
  const shownUrl = redactUrl(url);
  // What the handshake response showed (ws only): a refusing HTTP status, a subprotocol the client
  // never offered, or none at all (which docs/protocol.md section 2 reads as JSON, as browsers do).
  let httpStatus: number | undefined;
  let unofferedSubprotocol: string | undefined;
  let selectedNone = false;
  let phase: Phase = 'connecting';
  // Closing a socket that is still connecting makes the implementation report a failed handshake;
  // that error is the caller's own doing, so it is not reported.
  let suppressErrors = false;
  let handshakeHeaders: Omit<SocketOpenInfo, 'protocol'> = {};
  let stopListeningForUpgrade: (() => void) | undefined;
  let stopListeningForMessages: (() => void) | undefined;
  let stopListeningForPongs: (() => void) | undefined;

  function reportError(error: Error): void {
    if (phase === 'finished' || suppressErrors) return;
    // ws reports these handshake failures with its own words; the response itself says more.
    if (unofferedSubprotocol !== undefined) handlers.onError(new NegotiationError(unofferedSubprotocol, redactSubprotocols(offered)));
    else if (httpStatus !== undefined) handlers.onError(new TransportError(`${shownUrl} answered the upgrade with HTTP ${httpStatus}`, { httpStatus }));
    else handlers.onError(error);
  }

  function reportClose(info: SocketCloseInfo): void {
    if (phase === 'finished') return;
    phase = 'finished';
    detach();
    handlers.onClose(httpStatus === undefined ? info : { ...info, httpStatus });
  }

  function detach(): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    // Keep a listener: `ws` is an EventEmitter, and an 'error' emitted with no listener (as its
    // terminate() does on a socket still connecting) would be thrown as an uncaught exception.
    socket.onerror = ignoreEvent;
    stopListeningForUpgrade?.();
    stopListeningForUpgrade = undefined;
    stopListeningForMessages?.();
    stopListeningForMessages = undefined;
    stopListeningForPongs?.();
    stopListeningForPongs = undefined;
  }

  socket.binaryType = preferredBinaryType(socket);
  stopListeningForUpgrade = listenForHandshakeResponse(socket, {
    onUpgrade(response) {
      handshakeHeaders = readHandshakeHeaders(response);
      const selected = acceptableSubprotocol(response, offered);
      if (selected === 'none') selectedNone = true;
      else if (selected !== 'offered') unofferedSubprotocol = selected.unoffered;
    },
    onRefused(status) {
      httpStatus = status;
      // With a listener for 'unexpected-response', ws leaves the aborting to it.
      try {
        socket.terminate?.();
      } catch {
        // Already gone.
      }
    },
  });
  watchForCloseFrame(socket, () => phase === 'open', (code, reason) => reportClose({ code, reason, wasClean: true }));

  socket.onopen = () => {
    if (phase !== 'connecting') return;
    phase = 'open';
    handlers.onOpen({ protocol: selectedNone ? '' : (socket.protocol ?? ''), ...handshakeHeaders });
  };
  const deliver = (data: unknown): void => {
    if (phase !== 'open' && phase !== 'closing') return;
    const frame = toFrame(data);
    if (frame === undefined) {
      // A WirestateError, unlike the errors that precede a close: the connection goes on, so this
      // report is the only trace of the lost message.
      reportError(
        new WirestateError(
          'decode',
          `Dropped a binary message from ${shownUrl} that arrived as ${describeData(data)}: the WebSocket implementation ` +
            "ignored binaryType 'arraybuffer'. Pass a WebSocket constructor that supports it (option `WebSocket`).",
        ),
      );
      return;
    }
    handlers.onFrame(frame);
  };
  stopListeningForMessages = socket.binaryType === 'nodebuffer' ? listenForMessagesDirectly(socket, deliver) : undefined;
  if (stopListeningForMessages === undefined) socket.onmessage = (event) => deliver(event.data);
  stopListeningForPongs = listenForPongs(socket, () => {
    if (phase === 'open' || phase === 'closing') handlers.onPong?.();
  });
  const frames = socket.binaryType === 'nodebuffer' ? nodeFrameControl(socket) : undefined;
  socket.onerror = (event) => reportError(errorFromEvent(event, url, shownUrl));
  socket.onclose = (event) => reportClose({ code: event.code, reason: event.reason, wasClean: event.wasClean });

  return {
    send(frame: Frame) {
      if (phase !== 'open') return sendOutsideOpen(phase);
      if (frames !== undefined && maxFrameBytes !== undefined && sendFragmented(frames, frame, maxFrameBytes)) return;
      // Codecs produce ArrayBuffer-backed bytes; the DOM's send() types refuse the wider
      // ArrayBufferLike (a SharedArrayBuffer view would be refused at run time anyway).
      socket.send(frame as string | Uint8Array<ArrayBuffer>);
    },
    ping() {
      if (phase !== 'open' || frames === undefined) return false;
      try {
        frames.ping();
        return true;
      } catch {
        // ws throws when the socket is no longer open; the close report follows.
        return false;
      }
    },
    canFragment: frames !== undefined,
    close(code: number, reason = '') {
      assertSendableCloseCode(code);
      if (phase !== 'connecting' && phase !== 'open') return;
      if (phase === 'connecting') suppressErrors = true;
      phase = 'closing';
      try {
        socket.close(code, truncateCloseReason(reason));
      } catch {
        // Browsers refuse codes other than 1000 and 3000-4999 from a client (1002, 1003, 1007...).
        // A bare close still ends the connection; the peer reads it as 1005 "no status", not
        // as a normal close that would end its session.
        socket.close();
      }
    },
    terminate() {
      if (phase === 'finished') return;
      phase = 'finished';
      detach();
      try {
        if (typeof socket.terminate === 'function') socket.terminate();
        // Browsers cannot drop a socket; a bare close (1005 at the peer) is the closest, and
        // unlike 1000 it does not tell the server the client is done with its session.
        else socket.close();
      } catch {
        // Already closed: nothing left to drop.
      }
    },
  };
}

function ignoreEvent(): void {}

/**
 * `'nodebuffer'` for `ws` (an EventEmitter whose binaryType accepts it), else `'arraybuffer'`.
 * With `'arraybuffer'`, ws copies every binary message into an ArrayBuffer of its own, a sixth of
 * the client's time for small MessagePack messages; a Buffer is a view that {@link toFrame} wraps
 * without a copy. Other sockets get `'arraybuffer'`: some (React Native's) keep any value and would
 * deliver Blobs for one they do not know.
 */
function preferredBinaryType(socket: WebSocketLike): string {
  if (typeof (socket as { on?: unknown }).on !== 'function') return 'arraybuffer';
  socket.binaryType = 'nodebuffer';
  return socket.binaryType === 'nodebuffer' ? 'nodebuffer' : 'arraybuffer';
}

/**
 * Listens to ws's own 'message' event (`data, isBinary`), skipping the MessageEvent that its
 * `onmessage` wraps around every message. Only for sockets that took `'nodebuffer'` (ws): an
 * unknown EventEmitter may give its 'message' listeners something else. Text arrives as a Buffer
 * and is decoded as UTF-8, as ws's `onmessage` does. Returns how to stop, or undefined when the
 * socket has no `on`.
 */
function listenForMessagesDirectly(socket: WebSocketLike, deliver: (data: unknown) => void): (() => void) | undefined {
  const emitter = socket as unknown as { on?: unknown; off?: unknown; removeListener?: unknown };
  if (typeof emitter.on !== 'function') return undefined;
  // toString() rather than String(): String() on an object takes V8's slow generic conversion.
  const onMessage = (data: unknown, isBinary: unknown) => deliver(isBinary === false && ArrayBuffer.isView(data) ? (data as { toString(): string }).toString() : data);
  emitter.on.call(socket, 'message', onMessage);
  return () => {
    const off = typeof emitter.off === 'function' ? emitter.off : emitter.removeListener;
    if (typeof off === 'function') off.call(socket, 'message', onMessage);
  };
}

function sendOutsideOpen(phase: Phase): void {
  // After close() or the close report, frames are dropped: the close report (already given or
  // still to come) is how the caller learns the connection ended. Before open it is a bug.
  if (phase === 'connecting') throw new Error('wirestate transport: send() was called before the socket opened; wait for onOpen.');
}

/**
 * The connection of a constructor that threw: reports `error` then a 1006 close from a microtask,
 * the same sequence an asynchronous failure gives, unless the caller closes or terminates first.
 */
function failedConnection(error: Error, handlers: SocketHandlers): SocketConnection {
  let phase: Exclude<Phase, 'open'> = 'connecting';
  queueMicrotask(() => {
    if (phase === 'finished') return;
    // After close() the failure is the expected end of a connection the caller gave up on.
    if (phase === 'connecting') handlers.onError(error);
    phase = 'finished';
    handlers.onClose({ code: ABNORMAL_CLOSURE, reason: '', wasClean: false });
  });
  return {
    send: () => sendOutsideOpen(phase),
    ping: () => false,
    canFragment: false,
    close(code: number) {
      assertSendableCloseCode(code);
      if (phase === 'connecting') phase = 'closing';
    },
    terminate() {
      phase = 'finished';
    },
  };
}

/** What {@link listenForHandshakeResponse} reports. */
interface HandshakeResponseHandlers {
  /** The 101 response, before `ws` checks it. */
  onUpgrade(response: unknown): void;
  /** Any other response: the server refused the upgrade with this HTTP status. */
  onRefused(status: number): void;
}

/**
 * Subscribes to `ws`'s 'upgrade' event (the 101 response, emitted before ws checks it) and its
 * 'unexpected-response' event (any other status), when the socket has an EventEmitter-style `on`.
 * Returns how to unsubscribe, or undefined when the implementation cannot show the response
 * (browsers).
 */
function listenForHandshakeResponse(socket: WebSocketLike, handlers: HandshakeResponseHandlers): (() => void) | undefined {
  const emitter = socket as unknown as { on?: unknown; off?: unknown; removeListener?: unknown };
  if (typeof emitter.on !== 'function') return undefined;
  const onUpgrade = (response: unknown) => handlers.onUpgrade(response);
  const onUnexpectedResponse = (_request: unknown, response: unknown) => {
    const status = (response as { statusCode?: unknown } | null)?.statusCode;
    handlers.onRefused(typeof status === 'number' ? status : 0);
  };
  try {
    emitter.on.call(socket, 'upgrade', onUpgrade);
    emitter.on.call(socket, 'unexpected-response', onUnexpectedResponse);
  } catch {
    // An `on` that is not an EventEmitter's: the response is simply not available.
    return undefined;
  }
  return () => {
    const off = typeof emitter.off === 'function' ? emitter.off : emitter.removeListener;
    if (typeof off !== 'function') return;
    off.call(socket, 'upgrade', onUpgrade);
    off.call(socket, 'unexpected-response', onUnexpectedResponse);
  };
}

/**
 * Checks the subprotocol a 101 response selected against what was offered. `ws` aborts a handshake
 * whose server selected none although some were offered; docs/protocol.md section 2 (and every browser)
 * accepts it as JSON. So for that case the response is given the first offered name, which ws then
 * accepts, and the caller reports '' as the selected subprotocol.
 */
function acceptableSubprotocol(response: unknown, offered: readonly string[]): 'offered' | 'none' | { readonly unoffered: string } {
  const headers = (response as { headers?: Record<string, unknown> } | null)?.headers;
  if (typeof headers !== 'object' || headers === null) return 'offered';
  const selected = headers['sec-websocket-protocol'];
  if (selected === undefined || selected === '') {
    if (offered.length === 0) return 'offered';
    headers['sec-websocket-protocol'] = offered[0];
    return 'none';
  }
  return typeof selected === 'string' && offered.includes(selected) ? 'offered' : { unoffered: String(selected) };
}

/**
 * Reports the server's close frame as soon as it arrives (`ws` only). ws answers a close frame by
 * calling the socket's own `close(code, reason)` and fires 'close' only once the TCP connection has
 * ended, which a server that sent its close and stopped reading delays by 30 s; meanwhile a
 * liveness check could take the connection for dead and resume a session the server ended with a
 * fatal code. The close handshake then gets {@link CLOSE_FRAME_GRACE_MS} to finish.
 */
function watchForCloseFrame(socket: WebSocketLike, isOpen: () => boolean, onCloseFrame: (code: number, reason: string) => void): void {
  const emitter = socket as unknown as { on?: unknown; once?: unknown };
  if (typeof emitter.on !== 'function' || typeof emitter.once !== 'function') return;
  const nativeClose = socket.close;
  socket.close = function closeAnsweringServer(this: WebSocketLike, code?: number, reason?: unknown) {
    // Called by ws for the server's close frame while the connection is still open for the caller
    // (the caller's own close() moves out of 'open' before it calls here). ws also calls it for a
    // protocol error of its own (a frame over maxPayload) just before emitting that error: only a
    // received close frame, which ws marks first, is reported here.
    if (isOpen() && (socket as { _closeFrameReceived?: unknown })._closeFrameReceived === true) {
      const grace = setTimeout(() => socket.terminate?.(), CLOSE_FRAME_GRACE_MS);
      (emitter.once as (event: string, listener: () => void) => void).call(socket, 'close', () => clearTimeout(grace));
      onCloseFrame(code ?? 1005, reasonText(reason));
    }
    return (nativeClose as (code?: number, reason?: unknown) => void).call(this, code, reason);
  } as WebSocketLike['close'];
}

function reasonText(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  return ArrayBuffer.isView(reason) ? new TextDecoder().decode(reason) : '';
}

function readHandshakeHeaders(response: unknown): Omit<SocketOpenInfo, 'protocol'> {
  const headers = (response as { headers?: Record<string, unknown> } | null)?.headers;
  if (typeof headers !== 'object' || headers === null) return {};
  const resumeId = firstHeaderValue(headers['resume-id']);
  // Seed 004's API gateway names its connection id in a header of its own.
  const connectionId = firstHeaderValue(headers['connection-id']) ?? firstHeaderValue(headers['x-yc-apigateway-websocket-connection-id']);
  return { ...(resumeId === undefined ? {} : { resumeId }), ...(connectionId === undefined ? {} : { connectionId }) };
}

function firstHeaderValue(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

function constructorError(thrown: unknown, url: string): Error {
  const detail = thrown instanceof Error ? `${thrown.name}: ${redactUrlIn(thrown.message, url)}` : redactUrlIn(String(thrown), url);
  // The thrown error is not attached as `cause`: implementations quote the full URL (token and
  // all) in it, and loggers print causes.
  return new TransportError(`Could not open a WebSocket to ${redactUrl(url)}: the WebSocket constructor threw (${detail})`);
}

function errorFromEvent(event: unknown, url: string, shownUrl: string): Error {
  const carried = event instanceof Error ? event : (event as { error?: unknown } | null)?.error;
  if (carried instanceof Error) {
    const code = (carried as { code?: unknown }).code;
    const detail = typeof code === 'string' && !carried.message.includes(code) ? `${code}: ${carried.message}` : carried.message;
    return new TransportError(`WebSocket error on ${shownUrl}: ${redactUrlIn(detail, url)}`, { cause: carried });
  }
  const message = (event as { message?: unknown } | null)?.message;
  if (typeof message === 'string' && message !== '') return new TransportError(`WebSocket error on ${shownUrl}: ${redactUrlIn(message, url)}`);
  // Browsers give no detail about WebSocket errors, on purpose: the close code that follows is all there is.
  return new TransportError(`WebSocket error on ${shownUrl} (the browser gives no detail)`);
}

/** What `ws` offers beyond the WebSocket API: ping frames, and sending one message as several frames. */
interface NodeFrameControl {
  ping(): void;
  sendFrame(data: Uint8Array, binary: boolean, fin: boolean): void;
}

/** `ws`'s ping and fragmenting send, when the socket has them (detected, never imported). */
function nodeFrameControl(socket: WebSocketLike): NodeFrameControl | undefined {
  const ws = socket as unknown as { ping?: unknown; send: unknown };
  if (typeof ws.ping !== 'function') return undefined;
  const ping = ws.ping as (this: unknown) => void;
  const send = ws.send as (this: unknown, data: Uint8Array, options: { binary: boolean; fin: boolean }) => void;
  return {
    ping: () => ping.call(socket),
    sendFrame: (data, binary, fin) => send.call(socket, data, { binary, fin }),
  };
}

/**
 * Sends a message over `maxFrameBytes` as a first frame and continuation frames of at most that
 * size (RFC 6455 section 5.4); returns false, sending nothing, for a message that fits in one
 * frame. Text is split on bytes: only the whole message has to be valid UTF-8.
 */
function sendFragmented(frames: NodeFrameControl, frame: Frame, maxFrameBytes: number): boolean {
  const binary = typeof frame !== 'string';
  // A string of fewer UTF-16 units than the limit over 3 cannot exceed it in UTF-8.
  if (!binary && frame.length * 3 <= maxFrameBytes) return false;
  const bytes = binary ? frame : new TextEncoder().encode(frame);
  if (bytes.byteLength <= maxFrameBytes) return false;
  for (let offset = 0; offset < bytes.byteLength; offset += maxFrameBytes) {
    const end = Math.min(offset + maxFrameBytes, bytes.byteLength);
    frames.sendFrame(bytes.subarray(offset, end), binary, end === bytes.byteLength);
  }
  return true;
}

/** Listens to `ws`'s 'pong' event; returns how to stop, or undefined where pongs are not shown (browsers). */
function listenForPongs(socket: WebSocketLike, onPong: () => void): (() => void) | undefined {
  const emitter = socket as unknown as { on?: unknown; off?: unknown; removeListener?: unknown };
  if (typeof emitter.on !== 'function' || typeof (socket as { ping?: unknown }).ping !== 'function') return undefined;
  emitter.on.call(socket, 'pong', onPong);
  return () => {
    const off = typeof emitter.off === 'function' ? emitter.off : emitter.removeListener;
    if (typeof off === 'function') off.call(socket, 'pong', onPong);
  };
}
