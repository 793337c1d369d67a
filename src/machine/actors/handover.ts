import { CLOSE_CODES } from '../../constants.js';
import type { Codec } from '../../codecs/codec.js';
import { RotationError, WirestateError } from '../../errors.js';
import type { Handshake, IncomingPacket, Protocol, ProtocolRequest } from '../../protocol/types.js';
import type { SocketCloseInfo, SocketHandlers, SocketOpenInfo } from '../../transport/types.js';
import type { InboundSink, RotateCommand, SocketEvent } from '../types.js';
import { closeGracefully, drop, loseOutstanding, type Link } from './link.js';
import { StreamSwitch } from './stream-switch.js';

/**
 * How long the handover waits for the requests in flight on the serving socket to be answered
 * before it sends the resume: the server's takeover would swallow requests it has not read yet.
 */
export const ROTATION_DRAIN_MS = 1_000;

/**
 * What the handover needs of the socket actor that owns it: the serving socket, the common frame
 * handling, and the way out to the machine.
 */
export interface HandoverHost {
  readonly protocol: Protocol;
  readonly inbound: InboundSink;
  /** Whether the protocol resumes (initialize with a resume id), else streams switch one by one. */
  readonly resumes: boolean;
  /** How long an orderly close may take before the socket is dropped. */
  readonly closeGraceMs: number;
  readonly now: () => number;
  readonly nextId: () => number;
  /** Opens a second socket; `handlers` get the actor's common handlers to refine. */
  open(handshake: Handshake, handlers: (link: Link, common: SocketHandlers) => SocketHandlers): Link;
  /** The codec for the subprotocol the server selected, or the error when it was never offered. */
  codecFor(protocol: string): Codec | WirestateError;
  serving(): Link;
  /** Makes `link` the serving socket. */
  serve(link: Link): void;
  finished(): boolean;
  sendOn(link: Link, id: number, request: ProtocolRequest): Error | undefined;
  /** The session is between connections: reports this close to the machine and sends nothing more. */
  end(close: SocketCloseInfo, error: WirestateError): void;
  sendBack(event: SocketEvent): void;
}

type Phase = 'opening' | 'draining' | 'resuming';

/**
 * One handover in progress. Two sockets exist only while one is, and it ends (swapped or failed)
 * within the rotation's timeout.
 * - `opening`: the replacement's handshake is under way; the serving socket carries everything.
 * - `draining`: the replacement is open; new sends wait until every request sent on the serving
 *   socket is answered, so the server's takeover cannot swallow one (resume protocols only).
 * - `resuming`: the resume initialize request went out on the replacement; a close of the serving
 *   socket is now the server's expected takeover (4000), not a failure.
 */
interface Handover {
  readonly link: Link;
  readonly command: RotateCommand;
  phase: Phase;
  initializeId?: number;
  /** Sends held during `draining` and `resuming`; they go out on whichever socket serves afterwards. */
  readonly held: (() => void)[];
  /** The close of the serving socket while resuming, reported only if the handover then fails. */
  servingClose?: SocketCloseInfo;
  /** What the replacement's handshake response showed (Resume-Id, connection id), once open. */
  info?: SocketOpenInfo;
  drainTimer?: ReturnType<typeof setTimeout>;
  readonly openedAt: number;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** What the socket actor asks of a rotation; see {@link createHandover}. */
export interface Handovers {
  /** Starts a rotation, unless one is under way or the serving socket is not open. */
  rotate(command: RotateCommand, servingOpen: boolean): void;
  /** Whether a send must wait now: a handover drains or resumes (or opens with the serving socket gone). */
  holdsSends(): boolean;
  /** Holds `send` back until the handover ends; only while {@link Handovers.holdsSends}. */
  hold(send: () => void): void;
  /** The serving socket closed: true when the handover carries on as the resume (the server's takeover). */
  servingClosed(link: Link, close: SocketCloseInfo): boolean;
  /** A socket closed: true when it was the one a rotation replaced (expected). */
  retiredClosed(link: Link): boolean;
  /** A result or error arrived on `link`: true when it answered the handover's resume. */
  answered(link: Link, packet: Extract<IncomingPacket, { kind: 'result' | 'error' }>): boolean;
  /** One of the correlator's requests was answered on `link`: the drain may be over. */
  responded(link: Link): void;
  /** Whether a stream message from `link` is delivered (a protocol without resume switches per stream). */
  acceptStream(link: Link, stream: string): boolean;
  /** Drops every socket but the serving one and every timer. */
  release(): void;
}

/**
 * Make before break, for the socket actor: opens the replacement socket with the command's
 * handshake (a resume where the protocol has one) while the serving socket carries on. One
 * rotation at a time; the whole handover ends within the command's `timeoutMs`.
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
export function createHandover(host: HandoverHost): Handovers {
  let handover: Handover | undefined;
  // The socket a rotation replaced, while it winds down.
  let retiring: { readonly link: Link; readonly timer: ReturnType<typeof setTimeout>; readonly streams?: StreamSwitch } | undefined;

  function rotate(command: RotateCommand, servingOpen: boolean): void {
    // A handover under way reports its own outcome (and the machine schedules again from it).
    if (host.finished() || handover !== undefined || !servingOpen) return;
    // The socket an earlier rotation replaced is let go now rather than holding this one back.
    retire();
    let failure: Error | undefined;
    let opened = false;
    const link = host.open(command.handshake.reveal(), (own, common) => ({
      ...common,
      onOpen(info) {
        const current = handover;
        if (current?.link !== own) return;
        opened = true;
        const codec = host.codecFor(info.protocol);
        if (codec instanceof WirestateError) {
          fail(current, new RotationError('connect', { cause: codec }));
          return;
        }
        own.codec = codec;
        current.info = info;
        if (host.resumes) {
          current.phase = 'draining';
          resumeWhenDrained(current);
        } else switchStreams(current);
      },
      onClose(info) {
        if (handover?.link !== own) return common.onClose(info);
        fail(handover, new RotationError(opened ? 'initialize' : 'connect', { cause: failure ?? info }), info);
      },
      onError(error) {
        if (handover?.link === own) failure = error;
        else common.onError(error);
      },
    }));
    handover = {
      link,
      command,
      phase: 'opening',
      held: [],
      openedAt: host.now(),
      timer: setTimeout(() => {
        if (handover?.link === link) fail(handover, new RotationError('timeout'));
      }, command.timeoutMs),
    };
  }

  function resumeWhenDrained(current: Handover): void {
    if (current.phase !== 'draining') return;
    const serving = host.serving();
    const since = host.now() - ROTATION_DRAIN_MS;
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
    clearTimeout(current.drainTimer);
    current.drainTimer = undefined;
    // Requests still unanswered now (sent to a socket that stopped reading) are reported lost when it closes.
    current.initializeId = host.nextId();
    current.phase = 'resuming';
    const error = host.sendOn(current.link, current.initializeId, { kind: 'initialize', client: current.command.client, lastSeq: current.command.lastSeq() ?? 0 });
    if (error !== undefined) fail(current, new RotationError('initialize', { cause: error }));
  }

  function resumeAnswered(current: Handover, packet: Extract<IncomingPacket, { kind: 'result' | 'error' }>): void {
    if (packet.kind === 'error') return fail(current, new RotationError('initialize', { cause: packet.error }));
    let result;
    try {
      result = host.protocol.parseInitializeResult(packet.result);
    } catch (error) {
      return fail(current, new RotationError('initialize', { cause: error }));
    }
    if (!result.resumed || result.authRequired) return fail(current, new RotationError('initialize', { cause: result }));
    const replaced = host.serving();
    swap(current);
    // The server closes it (4000) as it takes over; one that does not is dropped after a grace.
    if (!replaced.gone) retiring = { link: replaced, timer: setTimeout(retire, host.closeGraceMs) };
    rotated(current, result.resumeId ?? current.info?.resumeId, result.connectionLifetimeMs);
  }

  /** Without resume: subscribe the active streams on the replacement, send everything there, switch each stream on its first message. */
  function switchStreams(current: Handover): void {
    const batches = host.inbound.activeStreamBatches?.() ?? [];
    for (const streams of batches) host.sendOn(current.link, host.nextId(), { kind: 'subscribe', streams: [...streams] });
    const replaced = host.serving();
    swap(current);
    const streams = new StreamSwitch(batches.flat());
    retiring = { link: replaced, streams, timer: setTimeout(retire, current.command.timeoutMs) };
    if (streams.done) retire();
    rotated(current, undefined, undefined);
  }

  function rotated(current: Handover, resumeId: string | undefined, lifetimeMs: number | undefined): void {
    const connectionId = current.info?.connectionId;
    host.sendBack({
      type: 'SOCKET.ROTATED',
      openedAt: current.openedAt,
      ...(resumeId === undefined ? {} : { resumeId }),
      ...(connectionId === undefined ? {} : { connectionId }),
      ...(lifetimeMs === undefined ? {} : { lifetimeMs }),
    });
  }

  /** The replacement serves from now on; held sends go out on it. */
  function swap(current: Handover): void {
    stop(current);
    host.serve(current.link);
    for (const send of current.held) send();
  }

  function fail(current: Handover, error: RotationError, replacementClose?: SocketCloseInfo): void {
    abandon();
    const close = current.servingClose;
    if (close === undefined) {
      for (const send of current.held) send();
      host.sendBack({ type: 'SOCKET.ROTATION_FAILED', error });
      return;
    }
    // The old socket is gone too: the session is between connections now, and the close policy
    // decides, on the replacement's own close when it was closed, else on the old one's. The
    // server's 4000 for our own resume is no fight over the session: reported as a drop.
    host.end(replacementClose ?? (close.code === CLOSE_CODES.Session ? { code: CLOSE_CODES.Abnormal, reason: 'rotation failed after the takeover', wasClean: false } : close), error);
  }

  function stop(current: Handover): void {
    handover = undefined;
    clearTimeout(current.timer);
    clearTimeout(current.drainTimer);
  }

  /** Drops the replacement of a handover that will not complete. */
  function abandon(): void {
    if (handover === undefined) return;
    const { link } = handover;
    stop(handover);
    drop(link);
  }

  /** Ends the replaced socket: a clean close without resume (the server keeps nothing), a drop after a takeover the server did not close. */
  function retire(): void {
    const old = retiring;
    if (old === undefined) return;
    retiring = undefined;
    clearTimeout(old.timer);
    if (old.link.gone) return;
    loseOutstanding(old.link, host.inbound);
    if (old.streams === undefined) return drop(old.link);
    closeGracefully(old.link, CLOSE_CODES.Normal, 'rotated', host.closeGraceMs);
  }

  return {
    rotate,
    holdsSends: () => handover !== undefined && (handover.phase !== 'opening' || host.serving().gone),
    hold(send) {
      handover?.held.push(send);
    },
    servingClosed(link, close) {
      if (handover === undefined) return false;
      // Once the resume went out, the server hands the session over by closing the old socket (4000).
      // Before that, a close the policy would resume anyway (the lifetime's 1001 coming early) lets
      // the replacement carry on as that resume. Either way the replacement's answer decides now.
      if (host.resumes && (handover.phase === 'resuming' || handover.command.continuesAfter(close.code))) {
        handover.servingClose = close;
        loseOutstanding(link, host.inbound);
        resumeWhenDrained(handover);
        return true;
      }
      abandon();
      return false;
    },
    retiredClosed(link) {
      if (retiring?.link !== link) return false;
      clearTimeout(retiring.timer);
      retiring = undefined;
      loseOutstanding(link, host.inbound);
      return true;
    },
    answered(link, packet) {
      if (handover?.link !== link || packet.id !== handover.initializeId) return false;
      resumeAnswered(handover, packet);
      return true;
    },
    responded(link) {
      if (handover?.phase === 'draining' && link === host.serving()) resumeWhenDrained(handover);
    },
    acceptStream(link, stream) {
      const switching = retiring;
      if (switching?.streams === undefined) return true;
      const fromNew = link !== switching.link;
      const accepted = switching.streams.accept(fromNew, stream);
      if (fromNew && switching.streams.done) retire();
      return accepted;
    },
    release() {
      abandon();
      if (retiring !== undefined) {
        clearTimeout(retiring.timer);
        if (!retiring.link.gone) drop(retiring.link);
        retiring = undefined;
      }
    },
  };
}
