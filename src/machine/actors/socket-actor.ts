import { fromCallback } from 'xstate';
import type { Codec, CodecName, Frame } from '../../codecs/codec.js';
import { encodePacket } from '../../codecs/encodable.js';
import { selectCodec } from '../../codecs/negotiation.js';
import { FrameTooLargeError, NegotiationError, OversizeMessageError, ProtocolViolationError, RotationError, TransportError, WirestateError } from '../../errors.js';
import type { Handshake, Protocol, ProtocolRequest } from '../../protocol/types.js';
import { openSocket } from '../../transport/socket.js';
import type { SocketHandlers, WebSocketConstructor } from '../../transport/types.js';
import { notConnectedError } from '../not-connected.js';
import type { DirectSend, InboundSink, LifecycleStep, RotateCommand, SocketCommand, SocketEvent } from '../types.js';
import { StreamSwitch, type Handover, type Link } from './handover.js';
import { Secret } from '../../secret.js';
import { oversizeFrame, refusedAsOversize } from './inbound-limit.js';
import { utf8ByteLength } from './utf8-length.js';

/** Release code meaning "drop the socket without a close handshake". */
export const RELEASE_BY_DROPPING = 4999;

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
}

/**
 * How long the handover waits for the requests in flight on the serving socket to be answered
 * before it sends the resume: the server's takeover would swallow requests it has not read yet.
 */
export const ROTATION_DRAIN_MS = 1_000;

/** At most this many unanswered requests are remembered per socket for the drain (oldest forgotten first). */
const MAX_TRACKED_REQUESTS = 10_000;

/**
 * The one actor that owns a socket. The machine spawns it for each connection attempt and stops it
 * when the connection phase ends; stopping it always releases the socket, so no socket outlives
 * its state.
 *
 * During a planned rotation (`ROTATE`) it owns a second socket for a while, the replacement: see
 * {@link rotate} below and docs/lifecycle.md, "Rotation". The machine sees only the outcome
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
  // A rotation in progress (the replacement socket), and the socket it replaced while it winds down.
  let handover: Handover | undefined;
  let retiring: { readonly link: Link; readonly timer: ReturnType<typeof setTimeout>; readonly streams?: StreamSwitch } | undefined;

  function openLink(handshake: Handshake, handlers: (link: Link) => SocketHandlers): Link {
    let markGone!: () => void;
    input.onSocketGone?.(new Promise<void>((resolve) => (markGone = resolve)));
    const link = { codec: undefined, outstanding: new Map(), gone: false, markGone } as unknown as { -readonly [K in keyof Link]: Link[K] };
    // No handler runs inside openSocket, so the link is complete before any event arrives.
    link.connection = openSocket(
      {
        ...handshake,
        WebSocket: input.WebSocket,
        maxInboundBytes: input.maxInboundBytes,
        ...(input.maxFrameBytes === undefined ? {} : { maxFrameBytes: input.maxFrameBytes }),
      },
      handlers(link),
    );
    return link;
  }

  /** Ends a socket other than an orderly close: dropped at once, reported gone. */
  function drop(link: Link): void {
    link.gone = true;
    link.connection.terminate();
    link.markGone();
  }

  let serving: Link = openLink(input.handshake.reveal(), (link) => ({
    onOpen(info) {
      if (finished) return;
      const selection = selectCodec(info.protocol, input.codecs, input.subprotocolNames);
      if (!selection.ok) {
        finished = true;
        link.connection.close(1002, 'unexpected subprotocol');
        sendBack({ type: 'SOCKET.FAILED', error: selection.error });
        return;
      }
      link.codec = input.createCodec(selection.codec);
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
    onFrame: (frame) => receiveFrame(link, frame),
    onClose: (info) => linkClosed(link, info),
    onPong: () => onPong(link),
    onError(error) {
      if (finished || link !== serving) return;
      if (error instanceof NegotiationError) {
        // No codec can be trusted on a subprotocol the client never offered: the session ends.
        finished = true;
        link.connection.terminate();
        link.markGone();
        sendBack({ type: 'SOCKET.FAILED', error });
        return;
      }
      reportTransportError(error);
    },
  }));

  function onPong(link: Link): void {
    // A pong answers a ping frame: proof of life without any application message.
    if (link !== serving) return;
    lastFrameAt = now();
    framesReceived++;
  }

  function reportTransportError(error: Error): void {
    const oversize = refusedAsOversize(error, input.maxInboundBytes);
    // A failure of the connection is followed by its close, which carries it to the machine.
    // Other WirestateErrors (a message the transport could not read) leave it open: report them.
    if (oversize !== undefined) inbound.onError(oversize);
    else if (error instanceof TransportError) transportFailure = error;
    else if (error instanceof WirestateError) inbound.onError(error);
  }

  function linkClosed(link: Link, info: { code: number; reason: string; wasClean: boolean; httpStatus?: number }): void {
    link.gone = true;
    if (link === serving) clearCloseGrace();
    link.markGone();
    if (finished) return;
    if (retiring?.link === link) {
      // The replaced socket ended (for a resume, the server's takeover close 4000): expected.
      clearTimeout(retiring.timer);
      retiring = undefined;
      loseOutstanding(link);
      return;
    }
    if (link !== serving) return;
    // Once the resume went out, the server hands the session over by closing the old socket (4000).
    // Before that, a close the policy would resume anyway (the lifetime's 1001 coming early) lets
    // the replacement carry on as that resume. Either way the replacement's answer decides now.
    if (handover !== undefined && resumes && (handover.phase === 'resuming' || handover.continuesAfter(info.code))) {
      handover.servingClose = info;
      loseOutstanding(link);
      resumeWhenDrained(handover);
      return;
    }
    if (handover !== undefined) abandonHandover();
    finished = true;
    sendBack({
      type: 'SOCKET.CLOSED',
      code: info.code,
      reason: info.reason,
      wasClean: info.wasClean,
      ...(transportFailure === undefined ? {} : { error: transportFailure }),
      ...(info.httpStatus === undefined ? {} : { httpStatus: info.httpStatus }),
    });
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
        if (retiring?.streams !== undefined && !acceptedAcrossSwitch(link, packet.stream)) return;
        // With seq, a message both sockets carry (the replay after lastSeq) is dropped by the stream registry as a duplicate.
        inbound.onStream(packet.stream, packet.data, packet.seq);
        return;
      case 'result':
      case 'error': {
        if (handover !== undefined && link === handover.link && packet.id === handover.initializeId) {
          resumeAnswered(handover, packet.kind === 'result' ? { result: packet.result } : { error: packet.error.message });
          return;
        }
        const step = lifecycleRequests.get(packet.id);
        if (step === undefined) {
          if (link.outstanding.delete(packet.id) && handover?.phase === 'draining' && link === serving) resumeWhenDrained(handover);
          inbound.onResponse(packet);
          return;
        }
        lifecycleRequests.delete(packet.id);
        // Ping answers matter only as proof of life, which lastFrameAt already recorded.
        if (step === 'ping') return;
        sendBack(packet.kind === 'result' ? { type: 'LIFECYCLE.RESULT', step, result: packet.result } : { type: 'LIFECYCLE.ERROR', step, error: packet.error });
        return;
      }
      case 'event':
        inbound.onEvent(packet.event, packet.data);
        return;
      case 'unknown':
        inbound.onError(new ProtocolViolationError(`Ignored a packet the ${protocol.name} protocol does not know: ${packet.reason}.`));
        return;
    }
  }

  /** Without seq, each stream comes from the replaced socket until its first message on the new one. */
  function acceptedAcrossSwitch(link: Link, stream: string): boolean {
    const switching = retiring;
    if (switching?.streams === undefined) return true;
    const accepted = switching.streams.accept(link !== switching.link, stream);
    if (link !== switching.link && switching.streams.done) retire();
    return accepted;
  }

  /** Encodes and sends on `link`; returns the error instead of throwing so callers decide who hears of it. */
  function sendOn(link: Link, id: number, request: ProtocolRequest): Error | undefined {
    if (link.gone) return notConnectedError();
    if (link.codec === undefined || finished) return new ProtocolViolationError('Cannot send before the socket is open.');
    let frame: Frame;
    try {
      frame = encodePacket(link.codec, protocol.encodeRequest(id, request));
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    const size = typeof frame === 'string' ? utf8ByteLength(frame, input.maxMessageBytes) : frame.byteLength;
    if (size > input.maxMessageBytes) return new OversizeMessageError(size, input.maxMessageBytes);
    if (input.maxFrameBytes !== undefined && size > input.maxFrameBytes && !link.connection.canFragment) return new FrameTooLargeError(size, input.maxFrameBytes);
    link.connection.send(frame);
    lastSentAt = now();
    return undefined;
  }

  /**
   * Sends one of the correlator's requests on the serving socket. While a handover drains or
   * resumes, it waits and goes out on whichever socket serves afterwards; a failure then is
   * reported through `onLateError`, as nobody waits for the return value any more.
   */
  function sendRequest(id: number, request: ProtocolRequest, onLateError: (error: Error) => void): Error | undefined {
    if (handover !== undefined && (handover.phase !== 'opening' || serving.gone)) {
      handover.held.push({
        send: () => {
          const error = sendRequest(id, request, onLateError);
          if (error !== undefined) onLateError(error);
        },
      });
      return undefined;
    }
    const error = sendOn(serving, id, request);
    if (error === undefined && resumes) track(serving, id, onLateError);
    return error;
  }

  function track(link: Link, id: number, onLost: (error: Error) => void): void {
    link.outstanding.set(id, { sentAt: now(), onLost });
    if (link.outstanding.size > MAX_TRACKED_REQUESTS) link.outstanding.delete(link.outstanding.keys().next().value as number);
  }

  // The machine hands this to the facade while authorized, so a request costs no trip through the
  // machine's event queue. Once the socket is released it answers like the machine does between
  // connections, so the correlator re-queues or fails the request by its own rule.
  function directSend(...[id, request, onLateError]: Parameters<DirectSend>): ReturnType<DirectSend> {
    return finished ? notConnectedError() : sendRequest(id, request, onLateError ?? (() => {}));
  }

  /**
   * Make before break: opens the replacement socket with the command's handshake (a resume where
   * the protocol has one) while the serving socket carries on. One rotation at a time; the whole
   * handover ends within `timeoutMs`, so two sockets never outlast it.
   * - With resume: once the replacement is open, new sends wait while the requests in flight on
   *   the serving socket are answered (at most {@link ROTATION_DRAIN_MS}); then the resume
   *   initialize request (with `lastSeq`) goes out. The server takes the session over, closing the old
   *   socket with 4000 (expected now, not fatal), and replays everything after `lastSeq` on the new
   *   one: the stream registry drops what both sockets delivered by seq. An accepted resume swaps
   *   the sockets; the held sends go out on the new one.
   * - Without resume: once the replacement is open, every active stream is subscribed on it and
   *   it takes every send; each stream switches with its first message there (see {@link StreamSwitch}).
   * A failure (refused, closed, not resumed, timed out) drops the replacement and reports
   * `SOCKET.ROTATION_FAILED`: the serving socket goes on, unless the server already took it over,
   * in which case its close is reported as a lost connection (1006), which the machine resumes.
   */
  function rotate(command: RotateCommand): void {
    // A handover under way reports its own outcome (and the machine schedules again from it).
    if (finished || handover !== undefined || serving.codec === undefined) return;
    // The socket an earlier rotation replaced is let go now rather than holding this one back.
    retire();
    let failure: Error | undefined;
    let opened = false;
    const link = openLink(command.handshake.reveal(), (own) => ({
      onOpen(info) {
        const current = handover;
        if (current?.link !== own) return;
        opened = true;
        const selection = selectCodec(info.protocol, input.codecs, input.subprotocolNames);
        if (!selection.ok) {
          failHandover(current, new RotationError('connect', 'the server selected another subprotocol', { cause: selection.error }));
          return;
        }
        own.codec = input.createCodec(selection.codec);
        current.info = info;
        if (resumes) {
          current.phase = 'draining';
          current.lastSeq = command.lastSeq;
          current.client = command.client;
          resumeWhenDrained(current);
        } else {
          switchStreams(current);
        }
      },
      onFrame: (frame) => receiveFrame(own, frame),
      onClose(info) {
        if (handover?.link === own) {
          const error = new RotationError(opened ? 'initialize' : 'connect', `the new connection closed with ${info.code}${info.httpStatus === undefined ? '' : ` (HTTP ${info.httpStatus})`}`, failure === undefined ? undefined : { cause: failure });
          failHandover(handover, error, info);
          return;
        }
        linkClosed(own, info);
      },
      onPong: () => onPong(own),
      onError(error) {
        if (handover?.link === own) failure = error;
        else if (own === serving) reportTransportError(error);
      },
    }));
    const started = now();
    handover = {
      link,
      phase: 'opening',
      held: [],
      continuesAfter: command.continuesAfter,
      timeoutMs: command.timeoutMs,
      openedAt: started,
      timer: setTimeout(() => {
        if (handover?.link === link) failHandover(handover, new RotationError('timeout', `no handover within ${command.timeoutMs} ms`));
      }, command.timeoutMs),
    };
  }

  function resumeWhenDrained(current: Handover): void {
    if (current.phase !== 'draining') return;
    const since = now() - ROTATION_DRAIN_MS;
    for (const { sentAt } of serving.outstanding.values()) {
      if (sentAt > since && !serving.gone) {
        // Checked again with each answer, and once more when the oldest may stop counting.
        current.drainTimer ??= setTimeout(() => {
          current.drainTimer = undefined;
          resumeWhenDrained(current);
        }, Math.max(1, sentAt - since));
        return;
      }
    }
    if (current.drainTimer !== undefined) clearTimeout(current.drainTimer);
    current.drainTimer = undefined;
    // Requests still unanswered now (sent to a socket that stopped reading) are reported lost when it closes.
    const id = input.nextId();
    current.initializeId = id;
    current.phase = 'resuming';
    const error = sendOn(current.link, id, { kind: 'initialize', client: current.client ?? '', lastSeq: current.lastSeq?.() ?? 0 });
    if (error !== undefined) failHandover(current, new RotationError('initialize', 'the resume request could not be sent', { cause: error }));
  }

  function resumeAnswered(current: Handover, answer: { result: unknown } | { error: string }): void {
    if ('error' in answer) {
      failHandover(current, new RotationError('initialize', `the server refused the resume (${answer.error})`));
      return;
    }
    let result;
    try {
      result = protocol.parseInitializeResult(answer.result);
    } catch (error) {
      failHandover(current, new RotationError('initialize', 'the resume answer was invalid', { cause: error }));
      return;
    }
    if (!result.resumed || result.authRequired) {
      failHandover(current, new RotationError('initialize', 'the server did not resume the session'));
      return;
    }
    const replaced = serving;
    finishHandover(current);
    if (!replaced.gone) {
      // The server closes it (4000) as it takes over; one that does not is dropped after a grace.
      retiring = { link: replaced, timer: setTimeout(retire, CLOSE_HANDSHAKE_GRACE_MS) };
    }
    const resumeId = result.resumeId ?? current.info?.resumeId;
    sendBack({
      type: 'SOCKET.ROTATED',
      openedAt: current.openedAt,
      ...(resumeId === undefined ? {} : { resumeId }),
      ...(current.info?.connectionId === undefined ? {} : { connectionId: current.info.connectionId }),
      ...(result.connectionLifetimeMs === undefined ? {} : { lifetimeMs: result.connectionLifetimeMs }),
    });
  }

  /** Without resume: subscribe the active streams on the replacement, send everything there, switch each stream on its first message. */
  function switchStreams(current: Handover): void {
    const batches = inbound.activeStreamBatches?.() ?? [];
    for (const streams of batches) sendOn(current.link, input.nextId(), { kind: 'subscribe', streams: [...streams] });
    const replaced = serving;
    finishHandover(current);
    const streams = new StreamSwitch(batches.flat());
    retiring = { link: replaced, streams, timer: setTimeout(retire, current.timeoutMs) };
    if (streams.done) retire();
    sendBack({
      type: 'SOCKET.ROTATED',
      openedAt: current.openedAt,
      ...(current.info?.connectionId === undefined ? {} : { connectionId: current.info.connectionId }),
    });
  }

  /** The replacement serves from now on; held sends go out on it. */
  function finishHandover(current: Handover): void {
    clearTimeout(current.timer);
    if (current.drainTimer !== undefined) clearTimeout(current.drainTimer);
    handover = undefined;
    serving = current.link;
    for (const held of current.held) held.send();
  }

  function failHandover(current: Handover, error: RotationError, replacementClose?: { code: number; reason: string; wasClean: boolean; httpStatus?: number }): void {
    abandonHandover();
    const close = current.servingClose;
    if (close !== undefined) {
      // The old socket is gone too: the session is between connections now, and the close policy
      // decides, on the replacement's own close when it was closed, else on the old one's. The
      // server's 4000 for our own resume is no fight over the session: reported as a drop.
      finished = true;
      const reported = replacementClose ?? (close.code === 4000 ? { code: 1006, reason: 'rotation failed after the takeover', wasClean: false } : close);
      sendBack({ type: 'SOCKET.CLOSED', ...reported, error });
      return;
    }
    for (const held of current.held) held.send();
    sendBack({ type: 'SOCKET.ROTATION_FAILED', error });
  }

  /**
   * Requests still unanswered on a socket that ended while the session goes on (replaced by a
   * rotation): the server may never have read them. They get the error of a lost connection, so
   * the correlator re-sends the idempotent ones and fails the others, as after any drop.
   */
  function loseOutstanding(link: Link): void {
    if (link.outstanding.size === 0) return;
    const lost = [...link.outstanding.values()];
    link.outstanding.clear();
    for (const request of lost) request.onLost(notConnectedError());
  }

  /** Drops the replacement of a handover that will not complete. */
  function abandonHandover(): void {
    const current = handover;
    if (current === undefined) return;
    handover = undefined;
    clearTimeout(current.timer);
    if (current.drainTimer !== undefined) clearTimeout(current.drainTimer);
    drop(current.link);
  }

  /** Ends the replaced socket: a clean close without resume (the server keeps nothing), a drop after a takeover the server did not close. */
  function retire(): void {
    const old = retiring;
    if (old === undefined) return;
    retiring = undefined;
    clearTimeout(old.timer);
    if (old.link.gone) return;
    loseOutstanding(old.link);
    if (old.streams === undefined) {
      drop(old.link);
      return;
    }
    old.link.connection.close(1000, 'rotated');
    const grace = setTimeout(() => drop(old.link), CLOSE_HANDSHAKE_GRACE_MS);
    retiringGraces.add(grace);
  }
  const retiringGraces = new Set<ReturnType<typeof setTimeout>>();

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
          if (now() - lastSentAt >= command.heartbeatMs && serving.connection.ping()) lastSentAt = now();
          sendBack({ type: 'LIVENESS.OK', quietForMs });
          return;
        }
        framesAtProbe = framesReceived;
        // Where the platform has ping frames (Node), the pong proves life for any protocol.
        if (serving.connection.ping()) lastSentAt = now();
        if (protocol.features.ping) {
          const id = input.nextId();
          lifecycleRequests.set(id, 'ping');
          sendOn(serving, id, { kind: 'ping' });
        }
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
  let closeGrace: ReturnType<typeof setTimeout> | undefined;
  function clearCloseGrace() {
    if (closeGrace === undefined) return;
    clearTimeout(closeGrace);
    closeGrace = undefined;
  }
  function release(code: number) {
    releaseServing(code);
    // The replacement and the replaced socket never outlive the actor (after the serving one, so
    // a replacement never looks like the connection that ended).
    abandonHandover();
    if (retiring !== undefined) {
      clearTimeout(retiring.timer);
      if (!retiring.link.gone) drop(retiring.link);
      retiring = undefined;
    }
    for (const grace of retiringGraces) clearTimeout(grace);
    retiringGraces.clear();
  }
  function releaseServing(code: number) {
    if (closingGracefully) return;
    const wasFinished = finished;
    finished = true;
    const link = serving;
    // A clean close frame for an orderly end (the close handshake gets CLOSE_HANDSHAKE_GRACE_MS to
    // finish); a dead or failed connection is dropped at once so no half-open socket lingers
    // waiting for a close handshake that will never come.
    if (code === 1000 && !wasFinished && !link.gone) {
      closingGracefully = true;
      link.connection.close(1000, 'client closed');
      closeGrace = setTimeout(() => {
        closeGrace = undefined;
        drop(link);
      }, CLOSE_HANDSHAKE_GRACE_MS);
    } else {
      drop(link);
    }
  }

  return () => release(RELEASE_BY_DROPPING);
});
