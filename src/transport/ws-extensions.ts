/**
 * The {@link SocketExtensions} for `ws`, installed by the Node entry only: what `ws` shows and
 * offers beyond the WebSocket API (ws-features.ts, handshake-response.ts), detected on the socket
 * and never imported. Browser bundles do not contain it.
 */
import { acceptableSubprotocol, listenForHandshakeResponse, readHandshakeHeaders } from './handshake-response.js';
import type { SocketExtensions } from './types.js';
import { listenForMessagesDirectly, listenForPongs, nodeFrameControl, preferredBinaryType, sendFragmented, watchForCloseFrame } from './ws-features.js';

/**
 * Attaches to any socket with an EventEmitter-style `on` (`ws`): binary frames as Buffers without
 * a copy, the handshake response (headers, selected subprotocol, refusing status), the server's
 * close frame as it arrives, messages and pongs from ws's own events, ping frames and fragmented
 * sends. Other sockets are left to the standard API.
 */
export const wsExtensions: SocketExtensions = {
  attach(socket, hooks) {
    if (typeof (socket as { on?: unknown }).on !== 'function') return undefined;
    socket.binaryType = preferredBinaryType(socket);
    const stopListeningForUpgrade = listenForHandshakeResponse(socket, {
      onUpgrade: (response) => hooks.onHandshake(readHandshakeHeaders(response), acceptableSubprotocol(response, hooks.offered)),
      onRefused(status) {
        hooks.onRefused(status);
        // With a listener for 'unexpected-response', ws leaves the aborting to it.
        try {
          socket.terminate?.();
        } catch {
          // Already gone.
        }
      },
    });
    watchForCloseFrame(socket, hooks.isOpen, hooks.onCloseFrame);
    const nodeBuffers = socket.binaryType === 'nodebuffer';
    const stopListeningForMessages = nodeBuffers ? listenForMessagesDirectly(socket, hooks.deliver) : undefined;
    const stopListeningForPongs = listenForPongs(socket, hooks.onPong);
    const frames = nodeBuffers ? nodeFrameControl(socket) : undefined;
    return {
      deliversMessages: stopListeningForMessages !== undefined,
      ...(frames === undefined ? {} : { ping: frames.ping, sendFragmented: (frame, maxFrameBytes) => sendFragmented(frames, frame, maxFrameBytes) }),
      detach() {
        stopListeningForUpgrade?.();
        stopListeningForMessages?.();
        stopListeningForPongs?.();
      },
    };
  },
};
