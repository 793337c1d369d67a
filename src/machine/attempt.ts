/**
 * Pure helpers that build one connection attempt from the machine's context: the socket actor's
 * input, the provider check, the initialize and authorize requests. `context.resume` says whether
 * the attempt resumes the session, so a fresh connect and a resume share every step.
 */
import { CLOSE_CODES } from '../constants.js';
import { OptionsError } from '../errors.js';
import type { ProtocolRequest } from '../protocol/types.js';
import { Secret } from '../secret.js';
import type { SocketActorInput } from './actors/socket-actor.js';
import type { SessionContext, SessionEvent } from './types.js';

/** The close raised for a phase that timed out or a connection that went quiet: treated like an abnormal drop. */
export function lostConnection(reason: string): SessionEvent {
  return { type: 'SOCKET.CLOSED', code: CLOSE_CODES.Abnormal, reason, wasClean: false };
}

/** The socket actor's input for this attempt; `closeCode` is asked when the actor stops. */
export function socketInput(context: SessionContext, closeCode?: () => number): SocketActorInput {
  const { input } = context;
  const tokenTransport = input.auth.kind === 'token' ? input.auth.transport : undefined;
  const handshake = input.protocol.handshake({
    endpoint: context.endpoint ?? '',
    codecs: input.codecs,
    subprotocolNames: input.subprotocolNames,
    ...(context.resume && context.resumeId !== undefined ? { resumeId: context.resumeId } : {}),
    ...(context.token !== undefined && tokenTransport !== 'packet' ? { token: context.token.reveal() } : {}),
    ...(tokenTransport === undefined ? {} : { tokenTransport }),
  });
  return {
    handshake: new Secret(handshake),
    codecs: input.codecs,
    createCodec: input.createCodec,
    subprotocolNames: input.subprotocolNames,
    WebSocket: input.WebSocket,
    ...(input.socketFeatures === undefined ? {} : { socketFeatures: input.socketFeatures }),
    protocol: input.protocol,
    inbound: input.inbound,
    maxMessageBytes: input.maxMessageBytes,
    ...(input.maxInboundBytes === undefined ? {} : { maxInboundBytes: input.maxInboundBytes }),
    ...(input.maxFrameBytes === undefined ? {} : { maxFrameBytes: input.maxFrameBytes }),
    now: input.now,
    nextId: input.nextId,
    ...(input.onSocketGone === undefined ? {} : { onSocketGone: input.onSocketGone }),
    ...(closeCode === undefined ? {} : { closeCode }),
  };
}

/**
 * For the connection-params actor: builds this attempt's handshake with the provided values and
 * rethrows an OptionsError (a token the chosen transport cannot carry), which ends the session with
 * that error instead of failing when the socket is opened.
 */
export function handshakeCheck(context: SessionContext) {
  return (params: { readonly endpoint?: string; readonly token?: Secret<string> }): void => {
    try {
      socketInput({ ...context, endpoint: params.endpoint ?? context.endpoint, token: params.token });
    } catch (error) {
      if (error instanceof OptionsError) throw error;
    }
  };
}

/** The connection-params actor's input: the endpoint provider only for a fresh attempt without a balancer (a resume keeps its endpoint). */
export function connectionParamsInput(context: SessionContext) {
  const { input } = context;
  return {
    ...(!context.resume && input.balancerUrl === undefined && input.endpoint !== undefined ? { endpoint: input.endpoint } : {}),
    ...(input.auth.kind === 'token' ? { token: input.auth.token } : {}),
    check: handshakeCheck(context),
  };
}

/** The initialize request: a resume adds the `lastSeq` the server replays from. */
export function initializeRequest(context: SessionContext): ProtocolRequest {
  const client = context.input.clientName;
  if (!context.resume) return { kind: 'initialize', client };
  // 0 when nothing arrived yet: the server then replays everything it buffered for the session.
  // The stream layer's lastSeq belongs to the session that was last ready; a replacement that
  // dropped before becoming ready has received nothing, and the older seq would make the server
  // refuse its resume as a gap.
  const lastSeq = context.sessionId === context.readySessionId ? (context.input.getLastSeq() ?? 0) : 0;
  return { kind: 'initialize', client, lastSeq };
}

/** The authorize request, wrapped since it holds the credentials; undefined without any (the chart then ends the session). */
export function authorizeRequest(context: SessionContext): Secret<ProtocolRequest> | undefined {
  const { auth } = context.input;
  if (auth.kind === 'none') return undefined;
  const credentials = auth.kind === 'credentials' ? auth.credentials.reveal() : { token: context.token?.reveal() ?? '' };
  return new Secret<ProtocolRequest>({ kind: 'authorize', credentials });
}

/** What a new session (rather than a resume) forgets of the last one; the balancer's endpoint is asked for again. */
export function forgetting(context: SessionContext): Partial<SessionContext> {
  return {
    resumeId: undefined,
    sessionId: undefined,
    resumed: false,
    endpoint: context.input.balancerUrl === undefined ? context.endpoint : undefined,
  };
}
