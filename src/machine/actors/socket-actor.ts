import { CLOSE_CODES } from '../../constants.js';
import { fromCallback } from 'xstate';
import type { Codec, CodecName, Frame } from '../../codecs/codec.js';
import { encodePacket } from '../../codecs/encodable.js';
import { selectCodec } from '../../codecs/negotiation.js';
import { FrameTooLargeError, NegotiationError, OversizeMessageError, ProtocolViolationError, RotationError, TransportError, WirestateError } from '../../errors.js';
import type { Handshake, Protocol, ProtocolRequest } from '../../protocol/types.js';
import type { SocketCloseInfo, SocketExtensions, SocketHandlers, WebSocketConstructor } from '../../transport/types.js';
import type { DirectSend, InboundSink, LifecycleStep, RotateCommand, SocketCommand, SocketEvent } from '../types.js';
import { Secret } from '../../secret.js';
import { handoverCode, NO_HANDOVER } from './handover-code.js';
import { oversizeFrame, refusedAsOversize, utf8ByteLength } from './inbound-limit.js';
import { frameByteSize } from '../../transport/frame-size.js';
import type { HandoverHost } from './handover.js';
import { closeGracefully, drop, notConnectedError, openLink, track, type Link } from './link.js';

export { notConnectedError } from './link.js';

/** The error code of a LIFECYCLE.ERROR the client made itself (marked `unsent`): the request could not be sent (it cannot be encoded). */
export const LOCAL_SEND_FAILURE = -1;

/** Release code meaning "drop the socket without a close handshake". */
export const RELEASE_BY_DROPPING = 4999;

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
  /** What the platform's WebSocket offers beyond the standard API (the Node entry's, for `ws`). */
  readonly socketExtensions?: SocketExtensions;
  readonly protocol: Protocol;
  readonly inbound: InboundSink;
  readonly maxMessageBytes: number;
  /** Largest incoming message in bytes; unlimited when absent. */
  readonly maxInboundBytes?: number;
  /** Largest frame the server takes; larger messages are fragmented (Node) or refused (browsers). Unlimited when absent. */
  readonly maxFrameBytes?: number;
  readonly now: () => number;
  readonly nextId: () => number;
  /** Told once each socket is gone for good (closed, or dropped), so `close()` can wait for it. */
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
 * During a planned rotation (`ROTATE`) it owns a second socket for a while, the replacement (see
 * `handover.ts` and docs/lifecycle.md, "Rotation"). The machine sees only the outcome
 * (`SOCKET.ROTATED` or `SOCKET.ROTATION_FAILED`); the session stays `authorized` throughout.
 *
 * Stream messages, responses to the correlator's requests and events go straight to the inbound
 * sink, not through the machine: the machine sees only what changes the lifecycle (open, close,
 * lifecycle answers, liveness), so per-message cost stays a decode, a classify and a Map lookup.
 */
export const socketActor = fromCallback<SocketCommand, SocketActorInput, SocketEvent>(({ input, sendBack, receive }) => {
  const { protocol, inbound, now } = input;
  const resumes = protocol.features.resume && protocol.features.initialize;
  const lifecycleRequests = new Map<number, LifecycleStep>();
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

  /** What every socket of this actor does with frames, pongs, closes and errors; only the serving one's count. */
  function commonHandlers(link: Link): SocketHandlers {
    return {
      onOpen() {},
      onFrame: (frame) => receiveFrame(link, frame),
      onClose: (info) => linkClosed(link, info),
      onPong() {
        // A pong answers a ping frame: proof of life without any application message.
        if (link !== serving) return;
        lastFrameAt = now();
        framesReceived++;
      },
      onError(error) {
        if (finished || link !== serving) return;
        if (error instanceof NegotiationError) {
          // No codec can be trusted on a subprotocol the client never offered: the session ends.
          finished = true;
          drop(link);
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
    };
  }

  function codecFor(selected: string): Codec | WirestateError {
    const selection = selectCodec(selected, input.codecs, input.subprotocolNames);
    return selection.ok ? input.createCodec(selection.codec) : selection.error;
  }

  let serving: Link = openLink(input, input.handshake.reveal(), (link) => ({
    ...commonHandlers(link),
    onOpen(info) {
      if (finished) return;
      const codec = codecFor(info.protocol);
      if (codec instanceof WirestateError) {
        finished = true;
        link.connection.close(CLOSE_CODES.Protocol, 'unexpected subprotocol');
        sendBack({ type: 'SOCKET.FAILED', error: codec });
        return;
      }
      link.codec = codec;
      lastFrameAt = now();
      sendBack({
        type: 'SOCKET.OPEN',
        protocol: info.protocol,
        codec: codec.name,
        ...(info.resumeId === undefined ? {} : { resumeId: info.resumeId }),
        ...(info.connectionId === undefined ? {} : { connectionId: info.connectionId }),
        send: directSend,
      });
    },
  }));

  // No rotation until the machine asks for one: the handover's code is loaded then (or earlier, see handover-code.ts).
  let handovers = NO_HANDOVER;
  const handoverHost: HandoverHost = {
    protocol,
    inbound,
    resumes,
    closeGraceMs: CLOSE_HANDSHAKE_GRACE_MS,
    now,
    nextId: input.nextId,
    open: (handshake, handlers) => openLink(input, handshake, (link) => handlers(link, commonHandlers(link))),
    codecFor,
    serving: () => serving,
    serve: (link) => (serving = link),
    finished: () => finished,
    sendOn,
    end: reportClose,
    sendBack,
  };
  // The timer of a rotation that came due before the handover's code arrived, while it waits for it.
  let waitingForCode: ReturnType<typeof setTimeout> | undefined;
  function rotate(command: RotateCommand): void {
    const code = handoverCode.loaded;
    if (code !== undefined) {
      if (handovers === NO_HANDOVER) handovers = code.createHandover(handoverHost);
      handovers.rotate(command, serving.codec !== undefined);
      return;
    }
    if (waitingForCode !== undefined) return;
    // Not loaded in time: rotate once it has, unless the socket is gone by then. The wait counts
    // against the handover's timeout, so a chunk fetch that stalls fails the rotation (tried again
    // after a backoff) instead of leaving it silent until the connection's life ends.
    const startedAt = now();
    const settle = (then: () => void) => {
      if (waitingForCode !== timer) return;
      clearTimeout(timer);
      waitingForCode = undefined;
      if (!finished) then();
    };
    const timer = setTimeout(() => settle(() => sendBack({ type: 'SOCKET.ROTATION_FAILED', error: new RotationError('timeout') })), command.timeoutMs);
    waitingForCode = timer;
    handoverCode.load().then(
      () => settle(() => rotate({ ...command, timeoutMs: Math.max(1, command.timeoutMs - (now() - startedAt)) })),
      (error: unknown) => settle(() => sendBack({ type: 'SOCKET.ROTATION_FAILED', error: new RotationError('connect', { cause: error }) })),
    );
  }

  function reportClose(info: SocketCloseInfo, error: WirestateError | undefined = transportFailure): void {
    finished = true;
    sendBack({
      type: 'SOCKET.CLOSED',
      code: info.code,
      reason: info.reason,
      wasClean: info.wasClean,
      ...(error === undefined ? {} : { error }),
      ...(info.httpStatus === undefined ? {} : { httpStatus: info.httpStatus }),
    });
  }

  function linkClosed(link: Link, info: SocketCloseInfo): void {
    link.gone = true;
    clearTimeout(link.closeGrace);
    link.markGone();
    if (finished || handovers.retiredClosed(link) || link !== serving || handovers.servingClosed(link, info)) return;
    reportClose(info);
  }

  function receiveFrame(link: Link, frame: Frame): void {
    if (finished || link.codec === undefined) return;
    // Only the serving socket's frames prove it alive: a replacement's must not hide a dead one.
    if (link === serving) {
      lastFrameAt = now();
      framesReceived++;
    }
    const oversize = oversizeFrame(frame, input.maxInboundBytes);
    if (oversize !== undefined) {
      inbound.onError(oversize);
      return;
    }
    const decoded = link.codec.decode(frame);
    if (!decoded.ok) {
      inbound.onError(decoded.error);
      return;
    }
    const packet = protocol.classify(decoded.value);
    switch (packet.kind) {
      case 'stream':
        // With seq, a message both sockets carry (the replay after lastSeq) is dropped by the stream registry as a duplicate.
        if (handovers.acceptStream(link, packet.stream)) inbound.onStream(packet.stream, packet.data, packet.seq);
        return;
      case 'result':
      case 'error': {
        if (handovers.answered(link, packet)) return;
        const step = lifecycleRequests.get(packet.id);
        if (step === undefined) {
          if (link.outstanding.delete(packet.id)) handovers.responded(link);
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
  }

  /**
   * Encodes and sends on `link`; returns the error instead of throwing so callers decide who hears of it.
   * With `onLost`, the request is tracked on the link until its answer (see {@link track}).
   */
  function sendOn(link: Link, id: number, request: ProtocolRequest, onLost?: (error: Error) => void): Error | undefined {
    if (link.gone) return notConnectedError();
    if (link.codec === undefined || finished) return new ProtocolViolationError('socket not open');
    let frame: Frame;
    try {
      frame = encodePacket(link.codec, protocol.encodeRequest(id, request));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    // The count is exact only up to the smallest limit that applies (short texts are not scanned);
    // a text over it, rare, is counted in full, for the checks and the error's `size`.
    const frameLimit = input.maxFrameBytes !== undefined && !link.connection.canFragment ? input.maxFrameBytes : Infinity;
    const limit = Math.min(input.maxMessageBytes, frameLimit);
    let size = typeof frame === 'string' ? utf8ByteLength(frame, limit) : frame.byteLength;
    if (size > limit) size = frameByteSize(frame);
    if (size > input.maxMessageBytes) return new OversizeMessageError(size, input.maxMessageBytes);
    if (size > frameLimit) return new FrameTooLargeError(size, frameLimit);
    // Clock read and tracking come before the write, not after it: the write is a system call, and
    // the code right after one runs on cold caches and TLB (with PTI and no PCID, as on the bench
    // machine, every system call flushes the TLB); there the clock read cost 0.15-0.2 µs a request.
    // The reading is earlier by the write's duration, nothing at the clock's millisecond scale. The
    // send cannot throw here: a link has a codec only once open, and after that it drops, not throws.
    const sentAt = now();
    if (onLost !== undefined) track(link, id, sentAt, onLost);
    link.connection.send(frame);
    lastSentAt = sentAt;
    return undefined;
  }

  /** The protocol's ping request, where it has one; its answer only proves life (`lastFrameAt`). */
  function sendProtocolPing(): void {
    if (!protocol.features.ping) return;
    const id = input.nextId();
    lifecycleRequests.set(id, 'ping');
    sendOn(serving, id, { kind: 'ping' });
  }

  /**
   * Sends one of the correlator's requests on the serving socket. While a handover drains or
   * resumes, it waits and goes out on whichever socket serves afterwards; a failure then is
   * reported through `onLateError`, as nobody waits for the return value any more.
   */
  function sendRequest(id: number, request: ProtocolRequest, onLateError: (error: Error) => void): Error | undefined {
    // Asked first, so a request that goes out now allocates no closure for the case it waits
    // (a quarter of a microsecond of a round trip over loopback, with the layer below).
    if (handovers.holdsSends()) {
      handovers.hold(() => {
        const error = sendRequest(id, request, onLateError);
        if (error !== undefined) {
          onLateError(error);
          inbound.onRequestsLost?.();
        }
      });
      return undefined;
    }
    return sendOn(serving, id, request, resumes ? onLateError : undefined);
  }

  // The machine hands this to the facade while authorized, so a request costs no trip through the
  // machine's event queue. Once the socket is released it answers like the machine does between
  // connections, so the correlator re-queues or fails the request by its own rule.
  function directSend(...[id, request, onLateError]: Parameters<DirectSend>): ReturnType<DirectSend> {
    return finished ? notConnectedError() : sendRequest(id, request, onLateError ?? (() => {}));
  }

  receive((command) => {
    switch (command.type) {
      case 'SEND': {
        const error = sendRequest(command.id, command.request, command.onSendError);
        if (error !== undefined) command.onSendError(error);
        return;
      }
      case 'LIFECYCLE.REQUEST': {
        const id = input.nextId();
        lifecycleRequests.set(id, command.step);
        const error = sendOn(serving, id, command.request instanceof Secret ? command.request.reveal() : command.request);
        if (error !== undefined) {
          lifecycleRequests.delete(id);
          if (command.step !== 'ping') sendBack({ type: 'LIFECYCLE.ERROR', step: command.step, error: { code: LOCAL_SEND_FAILURE, message: error.message }, unsent: true });
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
          // Receiving but not sending: a gateway that counts only what it receives would idle the
          // connection out. A ping frame (Node) keeps it alive; browsers have none, so there the
          // protocol's own ping does, where it has one (docs/protocol.md section 9).
          if (now() - lastSentAt >= command.heartbeatMs) {
            if (serving.connection.ping()) lastSentAt = now();
            else sendProtocolPing();
          }
          sendBack({ type: 'LIVENESS.OK', quietForMs });
          return;
        }
        framesAtProbe = framesReceived;
        // Where the platform has ping frames (Node), the pong proves life for any protocol.
        if (serving.connection.ping()) lastSentAt = now();
        sendProtocolPing();
        sendBack({ type: 'LIVENESS.PINGED' });
        return;
      }
      case 'ROTATE':
        rotate(command);
        return;
      case 'RELEASE':
        release(command.code);
        return;
    }
  });

  let closingGracefully = false;
  function release(code: number) {
    clearTimeout(waitingForCode);
    waitingForCode = undefined;
    releaseServing(code);
    // The replacement and the replaced socket never outlive the actor (after the serving one, so
    // a replacement never looks like the connection that ended).
    handovers.release();
  }
  function releaseServing(code: number) {
    if (closingGracefully) return;
    const wasFinished = finished;
    finished = true;
    const link = serving;
    // A clean close frame for an orderly end (the close handshake gets CLOSE_HANDSHAKE_GRACE_MS to
    // finish); a dead or failed connection is dropped at once so no half-open socket lingers
    // waiting for a close handshake that will never come.
    if ((code === CLOSE_CODES.Normal || code === CLOSE_CODES.Protocol) && !wasFinished && !link.gone) {
      closingGracefully = true;
      // 1002 when the session ends over the server's protocol violation (RFC 6455), else 1000.
      closeGracefully(link, code, code === CLOSE_CODES.Protocol ? 'protocol error' : 'client closed', CLOSE_HANDSHAKE_GRACE_MS);
    } else {
      drop(link);
    }
  }

  return () => release(input.closeCode?.() ?? RELEASE_BY_DROPPING);
});
