/**
 * What `ws` offers beyond the WebSocket API, detected on the socket and never imported (browser
 * sockets simply lack it): Buffers without a copy, its own 'message' and 'pong' events, ping frames,
 * fragmented sends, and the server's close frame as soon as it arrives.
 */
import type { Frame } from '../codecs/codec.js';
import type { WebSocketLike } from './types.js';

/**
 * After the server's close frame has been reported, how long `ws` may take to finish the close
 * handshake before the socket is dropped: a server that sends a close frame and stops reading
 * would otherwise hold it for ws's 30 s.
 */
const CLOSE_FRAME_GRACE_MS = 1_000;

/**
 * `'nodebuffer'` for `ws` (an EventEmitter whose binaryType accepts it), else `'arraybuffer'`.
 * With `'arraybuffer'`, ws copies every binary message into an ArrayBuffer of its own, a sixth of
 * the client's time for small MessagePack messages; a Buffer is a view that {@link toFrame} wraps
 * without a copy. Other sockets get `'arraybuffer'`: some (React Native's) keep any value and would
 * deliver Blobs for one they do not know.
 */
export function preferredBinaryType(socket: WebSocketLike): string {
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
export function listenForMessagesDirectly(socket: WebSocketLike, deliver: (data: unknown) => void): (() => void) | undefined {
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

/**
 * Reports the server's close frame as soon as it arrives (`ws` only). ws answers a close frame by
 * calling the socket's own `close(code, reason)` and fires 'close' only once the TCP connection has
 * ended, which a server that sent its close and stopped reading delays by 30 s; meanwhile a
 * liveness check could take the connection for dead and resume a session the server ended with a
 * fatal code. The close handshake then gets {@link CLOSE_FRAME_GRACE_MS} to finish.
 */
export function watchForCloseFrame(socket: WebSocketLike, isOpen: () => boolean, onCloseFrame: (code: number, reason: string) => void): void {
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

/** What `ws` offers beyond the WebSocket API: ping frames, and sending one message as several frames. */
export interface NodeFrameControl {
  ping(): void;
  sendFrame(data: Uint8Array, binary: boolean, fin: boolean): void;
}

/** `ws`'s ping and fragmenting send, when the socket has them (detected, never imported). */
export function nodeFrameControl(socket: WebSocketLike): NodeFrameControl | undefined {
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
export function sendFragmented(frames: NodeFrameControl, frame: Frame, maxFrameBytes: number): boolean {
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
export function listenForPongs(socket: WebSocketLike, onPong: () => void): (() => void) | undefined {
  const emitter = socket as unknown as { on?: unknown; off?: unknown; removeListener?: unknown };
  if (typeof emitter.on !== 'function' || typeof (socket as { ping?: unknown }).ping !== 'function') return undefined;
  emitter.on.call(socket, 'pong', onPong);
  return () => {
    const off = typeof emitter.off === 'function' ? emitter.off : emitter.removeListener;
    if (typeof off === 'function') off.call(socket, 'pong', onPong);
  };
}
