import { acceptableSubprotocol, listenForHandshakeResponse, readHandshakeHeaders } from './handshake-response.js';
import type { SocketFeatures } from './types.js';
import { listenForMessagesDirectly, listenForPongs, nodeFrameControl, preferredBinaryType, sendFragmented, watchForCloseFrame } from './ws-features.js';

/**
 * The features of EventEmitter-style sockets (`ws`), detected on the socket, never by importing
 * `ws`: the handshake response (`Resume-Id` and `Connection-Id` headers, the selected
 * subprotocol, a refusing HTTP status), binary frames as `nodebuffer` without a copy, the server's
 * close frame answered at once, ping frames and fragmented sends. Passed by the Node entry
 * (src/node.ts), so a browser bundle does not carry it; undefined for a socket without `on`.
 *
 * @example
 * ```ts
 * openSocket({ url, protocols: ['json.v1'], WebSocket, features: emitterSocketFeatures }, handlers);
 * ```
 */
export const emitterSocketFeatures: SocketFeatures = (socket, hooks) => {
  if (typeof (socket as { on?: unknown }).on !== 'function') return undefined;
  socket.binaryType = preferredBinaryType(socket);
  let stopListeningForUpgrade = listenForHandshakeResponse(socket, {
    onUpgrade: (response) => hooks.upgraded(readHandshakeHeaders(response), acceptableSubprotocol(response, hooks.offered)),
    onRefused: (status) => hooks.refused(status),
  });
  watchForCloseFrame(socket, hooks.isOpen, hooks.closeFrame);
  const nodebuffer = socket.binaryType === 'nodebuffer';
  let stopListeningForMessages = nodebuffer ? listenForMessagesDirectly(socket, hooks.deliver) : undefined;
  let stopListeningForPongs = listenForPongs(socket, hooks.pong);
  const frames = nodebuffer ? nodeFrameControl(socket) : undefined;
  return {
    direct: stopListeningForMessages !== undefined,
    ...(frames === undefined ? {} : { ping: frames.ping, sendFragmented: (frame, maxFrameBytes) => sendFragmented(frames, frame, maxFrameBytes) }),
    detach() {
      stopListeningForUpgrade?.();
      stopListeningForUpgrade = undefined;
      stopListeningForMessages?.();
      stopListeningForMessages = undefined;
      stopListeningForPongs?.();
      stopListeningForPongs = undefined;
    },
  };
};
