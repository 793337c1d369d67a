import { fromCallback } from 'xstate';
import type { Codec, CodecName, Frame } from '../../codecs/codec.js';
import { encodePacket } from '../../codecs/encodable.js';
import { selectCodec } from '../../codecs/negotiation.js';
import { ConnectionLostError, FrameTooLargeError, NegotiationError, OversizeMessageError, ProtocolViolationError, TransportError, WirestateError } from '../../errors.js';
import type { Handshake, Protocol } from '../../protocol/types.js';
import { openSocket } from '../../transport/socket.js';
import type { SocketConnection, WebSocketConstructor } from '../../transport/types.js';
import type { DirectSend, InboundSink, LifecycleStep, SocketCommand, SocketEvent } from '../types.js';
import { Secret } from '../../secret.js';
import { oversizeFrame, refusedAsOversize, utf8ByteLength } from './inbound-limit.js';

/** Release code meaning "drop the socket without a close handshake". */
export const RELEASE_BY_DROPPING = 4999;

/** The error a send gets when it reaches the machine between connections; the correlator re-queues or fails it by its own rule. */
export function notConnectedError(): ConnectionLostError {
  return new ConnectionLostError('not sent: connection down');
}

/** The initialize answer as the machine's event: parsed once here, so the chart's guards read a typed result. */
function initializeEvent(protocol: Protocol, result: unknown): SocketEvent {
  try {
    return { type: 'LIFECYCLE.INITIALIZED', result: protocol.parseInitializeResult(result) };
  } catch (error) {
    return { type: 'LIFECYCLE.INVALID', error: error instanceof WirestateError ? error : new ProtocolViolationError(String(error)) };
  }
}

/**
 * How long the close handshake of an orderly end may take before the socket is dropped anyway. A
 * half-open peer never answers the close frame, and `ws` would hold the socket (and its timer)
 * for 30 s, keeping a closed session's process alive.
 */
export const CLOSE_HANDSHAKE_GRACE_MS = 1_000;

/** What the socket actor is started with: one connection attempt. */
export interface SocketActorInput {
  /** Wrapped: its URL and subprotocols may carry the token, and actor inputs are inspectable. */
  readonly handshake: Secret<Handshake>;
  readonly codecs: readonly CodecName[];
  readonly createCodec: (name: CodecName) => Codec;
  readonly subprotocolNames: Readonly<Record<CodecName, string>>;
  readonly WebSocket: WebSocketConstructor;
  readonly protocol: Protocol;
  readonly inbound: InboundSink;
  readonly maxMessageBytes: number;
  /** Largest incoming message in bytes; unlimited when absent. */
  readonly maxInboundBytes?: number;
  /** Largest frame the server takes; larger messages are fragmented (Node) or refused (browsers). Unlimited when absent. */
  readonly maxFrameBytes?: number;
  readonly now: () => number;
  readonly nextId: () => number;
  /** Told once the socket is gone for good (closed, or dropped), so `close()` can wait for it. */
  readonly onSocketGone?: (gone: Promise<void>) => void;
  /**
   * Asked when the actor stops (its state exited): the close code that exit means. 1000 closes
   * with a close handshake (an orderly end of the session); {@link RELEASE_BY_DROPPING} drops the
   * socket at once (a reconnect, a timeout, a dead connection). Dropping when absent.
   */
  readonly closeCode?: () => number;
}

/**
 * The one actor that owns a socket. The machine's `connection` state invokes it, so it lives
 * exactly as long as that state: leaving the state stops it, and stopping it always releases the
 * socket (with the close code `closeCode` gives), so no socket outlives its state.
 *
 * Stream messages, responses to the correlator's requests and events go straight to the inbound
 * sink, not through the machine: the machine sees only what changes the lifecycle (open, close,
 * lifecycle answers, liveness), so per-message cost stays a decode, a classify and a Map lookup.
 */
export const socketActor = fromCallback<SocketCommand, SocketActorInput, SocketEvent>(({ input, sendBack, receive }) => {
  const { protocol, inbound, now } = input;
  let markGone!: () => void;
  input.onSocketGone?.(new Promise<void>((resolve) => (markGone = resolve)));
  const lifecycleRequests = new Map<number, LifecycleStep>();
  let codec: Codec | undefined;
  let lastFrameAt = now();
  // Frames are counted rather than timed: a ping answer in the same millisecond as the probe still proves life.
  let framesReceived = 0;
  let framesAtProbe = 0;
  // When this client last sent anything (a message or a ping frame): servers that idle out a
  // connection count what they receive (the API gateway of docs/protocol.md section 9: 10 minutes), however busy the other way is.
  let lastSentAt = now();
  // Once the machine released the socket or the close was reported, nothing more is sent back.
  let finished = false;
  // The transport's account of a failure, reported with the close it precedes.
  let transportFailure: TransportError | undefined;

  const connection: SocketConnection = openSocket(
    {
      ...input.handshake.reveal(),
      WebSocket: input.WebSocket,
      maxInboundBytes: input.maxInboundBytes,
      ...(input.maxFrameBytes === undefined ? {} : { maxFrameBytes: input.maxFrameBytes }),
    },
    {
      onOpen(info) {
        if (finished) return;
        const selection = selectCodec(info.protocol, input.codecs, input.subprotocolNames);
        if (!selection.ok) {
          finished = true;
          connection.close(1002, 'unexpected subprotocol');
          sendBack({ type: 'SOCKET.FAILED', error: selection.error });
          return;
        }
        codec = input.createCodec(selection.codec);
        lastFrameAt = now();
        sendBack({
          type: 'SOCKET.OPEN',
          protocol: info.protocol,
          codec: selection.codec,
          ...(info.resumeId === undefined ? {} : { resumeId: info.resumeId }),
          ...(info.connectionId === undefined ? {} : { connectionId: info.connectionId }),
          send: directSend,
        });
      },
      onFrame(frame) {
        if (finished || codec === undefined) return;
        lastFrameAt = now();
        framesReceived++;
        const oversize = oversizeFrame(frame, input.maxInboundBytes);
        if (oversize !== undefined) {
          inbound.onError(oversize);
          return;
        }
        const decoded = codec.decode(frame);
        if (!decoded.ok) {
          inbound.onError(decoded.error);
          return;
        }
        const packet = protocol.classify(decoded.value);
        switch (packet.kind) {
          case 'stream':
            inbound.onStream(packet.stream, packet.data, packet.seq);
            return;
          case 'result':
          case 'error': {
            const step = lifecycleRequests.get(packet.id);
            if (step === undefined) {
              inbound.onResponse(packet);
              return;
            }
            lifecycleRequests.delete(packet.id);
            // Ping answers matter only as proof of life, which lastFrameAt already recorded.
            if (step === 'ping') return;
            if (packet.kind === 'error') sendBack({ type: 'LIFECYCLE.ERROR', step, error: packet.error });
            else sendBack(step === 'initialize' ? initializeEvent(protocol, packet.result) : { type: 'LIFECYCLE.RESULT', step, result: packet.result });
            return;
          }
          case 'event':
            inbound.onEvent(packet.event, packet.data);
            return;
          case 'unknown':
            inbound.onError(new ProtocolViolationError(`unknown packet ignored: ${packet.reason}`));
            return;
        }
      },
      onClose(info) {
        clearCloseGrace();
        markGone();
        if (finished) return;
        finished = true;
        sendBack({
          type: 'SOCKET.CLOSED',
          code: info.code,
          reason: info.reason,
          wasClean: info.wasClean,
          ...(transportFailure === undefined ? {} : { error: transportFailure }),
          ...(info.httpStatus === undefined ? {} : { httpStatus: info.httpStatus }),
        });
      },
      onPong() {
        // A pong answers a ping frame: proof of life without any application message.
        lastFrameAt = now();
        framesReceived++;
      },
      onError(error) {
        if (finished) return;
        if (error instanceof NegotiationError) {
          // No codec can be trusted on a subprotocol the client never offered: the session ends.
          finished = true;
          connection.terminate();
          markGone();
          sendBack({ type: 'SOCKET.FAILED', error });
          return;
        }
        const oversize = refusedAsOversize(error, input.maxInboundBytes);
        // A failure of the connection is followed by its close, which carries it to the machine.
        // Other WirestateErrors (a message the transport could not read) leave it open: report them.
        if (oversize !== undefined) inbound.onError(oversize);
        else if (error instanceof TransportError) transportFailure = error;
        else if (error instanceof WirestateError) inbound.onError(error);
      },
    },
  );

  /** Encodes and sends; returns the error instead of throwing so callers decide who hears of it. */
  function send(id: number, request: Parameters<Protocol['encodeRequest']>[1]): Error | undefined {
    if (codec === undefined || finished) return new ProtocolViolationError('socket not open');
    let frame: Frame;
    try {
      frame = encodePacket(codec, protocol.encodeRequest(id, request));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    const size = typeof frame === 'string' ? utf8ByteLength(frame, input.maxMessageBytes) : frame.byteLength;
    if (size > input.maxMessageBytes) return new OversizeMessageError(size, input.maxMessageBytes);
    if (input.maxFrameBytes !== undefined && size > input.maxFrameBytes && !connection.canFragment) return new FrameTooLargeError(size, input.maxFrameBytes);
    connection.send(frame);
    lastSentAt = now();
    return undefined;
  }

  // The machine hands this to the facade while authorized, so a request costs no trip through the
  // machine's event queue. Once the socket is released it answers like the machine does between
  // connections, so the correlator re-queues or fails the request by its own rule.
  function directSend(...[id, request]: Parameters<DirectSend>): ReturnType<DirectSend> {
    return finished ? notConnectedError() : send(id, request);
  }

  receive((command) => {
    switch (command.type) {
      case 'SEND': {
        const error = send(command.id, command.request);
        if (error !== undefined) command.onSendError(error);
        return;
      }
      case 'LIFECYCLE.REQUEST': {
        const id = input.nextId();
        lifecycleRequests.set(id, command.step);
        const error = send(id, command.request instanceof Secret ? command.request.reveal() : command.request);
        if (error !== undefined) {
          lifecycleRequests.delete(id);
          if (command.step !== 'ping') sendBack({ type: 'LIFECYCLE.ERROR', step: command.step, error: { code: -1, message: error.message } });
        }
        return;
      }
      case 'LIVENESS.CHECK': {
        const quietForMs = now() - lastFrameAt;
        if (command.probing) {
          sendBack(framesReceived > framesAtProbe ? { type: 'LIVENESS.OK', quietForMs } : { type: 'LIVENESS.DEAD' });
          return;
        }
        if (quietForMs < command.heartbeatMs) {
          // Receiving but not sending: a ping frame (Node) keeps the server's idle timer from running out.
          if (now() - lastSentAt >= command.heartbeatMs && connection.ping()) lastSentAt = now();
          sendBack({ type: 'LIVENESS.OK', quietForMs });
          return;
        }
        framesAtProbe = framesReceived;
        // Where the platform has ping frames (Node), the pong proves life for any protocol.
        if (connection.ping()) lastSentAt = now();
        if (protocol.features.ping) {
          const id = input.nextId();
          lifecycleRequests.set(id, 'ping');
          send(id, { kind: 'ping' });
        }
        sendBack({ type: 'LIVENESS.PINGED' });
        return;
      }
      case 'RELEASE':
        release(command.code);
        return;
    }
  });

  let closingGracefully = false;
  let closeGrace: ReturnType<typeof setTimeout> | undefined;
  function clearCloseGrace() {
    if (closeGrace === undefined) return;
    clearTimeout(closeGrace);
    closeGrace = undefined;
  }
  function release(code: number) {
    if (closingGracefully) return;
    const wasFinished = finished;
    finished = true;
    // A clean close frame for an orderly end (the close handshake gets CLOSE_HANDSHAKE_GRACE_MS to
    // finish); a dead or failed connection is dropped at once so no half-open socket lingers
    // waiting for a close handshake that will never come.
    if (code === 1000 && !wasFinished) {
      closingGracefully = true;
      connection.close(1000, 'client closed');
      closeGrace = setTimeout(() => {
        closeGrace = undefined;
        connection.terminate();
        markGone();
      }, CLOSE_HANDSHAKE_GRACE_MS);
    } else {
      connection.terminate();
      markGone();
    }
  }

  return () => release(input.closeCode?.() ?? RELEASE_BY_DROPPING);
});
