import { definedOnly } from '../defined-only.js';
import type { Frame } from '../codecs/codec.js';
import { redactSubprotocols } from '../codecs/negotiation.js';
import { CLOSE_CODES } from '../constants.js';
import { NegotiationError, TransportError, WirestateError } from '../errors.js';
import { assertSendableCloseCode, truncateCloseReason } from './close-arguments.js';
import { describeData, toFrame } from './incoming-frame.js';
import { constructorError, errorFromEvent } from './socket-errors.js';
import type { AttachedSocketFeatures, OpenSocketOptions, SocketCloseInfo, SocketConnection, SocketHandlers, SocketOpenInfo, WebSocketLike } from './types.js';

/** RFC 6455: the connection ended without a close frame. Also what a failed open reports. */
const ABNORMAL_CLOSURE = CLOSE_CODES.Abnormal;

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
 * 1. at most one `onOpen`, with the selected subprotocol and, where `options.features` reads the
 *    handshake response (`emitterSocketFeatures` for `ws`, which the Node entry passes), the
 *    `Resume-Id` and `Connection-Id` response headers;
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
 * `ws` sends them, browsers ignore the argument. `binaryType` is set to `'arraybuffer'`; the features of
 * EventEmitter-style sockets (`ws`) switch it to `'nodebuffer'`, which delivers binary frames
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
          ...definedOnly({ headers: options.headers === undefined ? undefined : { ...options.headers }, maxPayload: options.maxInboundBytes }),
        });
  } catch (thrown) {
    return failedConnection(constructorError(thrown, options.url), handlers);
  }
  return watchSocket(socket, options, handlers);
}

/** Wraps a socket that was created: reports its events in the documented order. */
function watchSocket(socket: WebSocketLike, { url, protocols: offered, maxFrameBytes, features }: OpenSocketOptions, handlers: SocketHandlers): SocketConnection {
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

  function reportError(error: Error): void {
    if (phase === 'finished' || suppressErrors) return;
    // ws reports these handshake failures with its own words; the response itself says more.
    if (unofferedSubprotocol !== undefined) handlers.onError(new NegotiationError(unofferedSubprotocol, redactSubprotocols(offered)));
    else if (httpStatus !== undefined) handlers.onError(new TransportError('upgrade refused', { httpStatus }));
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
    // Set below, before any event can arrive.
    attached?.detach();
  }

  socket.binaryType = 'arraybuffer';

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
          `binary message dropped: arrived as ${describeData(data)}`,
        ),
      );
      return;
    }
    handlers.onFrame(frame);
  };
  const attached: AttachedSocketFeatures | undefined = features?.(socket, {
    offered,
    upgraded(headers, selected) {
      handshakeHeaders = headers;
      if (selected === 'none') selectedNone = true;
      else if (selected !== 'offered') unofferedSubprotocol = selected.unoffered;
    },
    refused(status) {
      httpStatus = status;
      // With a listener for 'unexpected-response', ws leaves the aborting to it.
      try {
        socket.terminate?.();
      } catch {
        // Already gone.
      }
    },
    isOpen: () => phase === 'open',
    closeFrame: (code, reason) => reportClose({ code, reason, wasClean: true }),
    deliver,
    pong() {
      if (phase === 'open' || phase === 'closing') handlers.onPong?.();
    },
  });
  if (attached?.direct !== true) socket.onmessage = (event) => deliver(event.data);
  const ping = attached?.ping;
  const sendFragmented = attached?.sendFragmented;
  socket.onerror = (event) => reportError(errorFromEvent(event, url));
  socket.onclose = (event) => reportClose({ code: event.code, reason: event.reason, wasClean: event.wasClean });

  return {
    send(frame: Frame) {
      if (phase !== 'open') return sendOutsideOpen(phase);
      if (sendFragmented !== undefined && maxFrameBytes !== undefined && sendFragmented(frame, maxFrameBytes)) return;
      // Codecs produce ArrayBuffer-backed bytes; the DOM's send() types refuse the wider
      // ArrayBufferLike (a SharedArrayBuffer view would be refused at run time anyway).
      socket.send(frame as string | Uint8Array<ArrayBuffer>);
    },
    ping() {
      if (phase !== 'open' || ping === undefined) return false;
      try {
        ping();
        return true;
      } catch {
        // ws throws when the socket is no longer open; the close report follows.
        return false;
      }
    },
    canFragment: sendFragmented !== undefined,
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

