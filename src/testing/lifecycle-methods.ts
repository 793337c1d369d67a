/**
 * INITIALIZE (with resume), AUTHORIZE, SUBSCRIBE and UNSUBSCRIBE on the server side
 * (docs/protocol.md sections 4 and 5). Internal.
 */
import { checkCredentials, parseCredentials } from './auth.js';
import type { ServerConnection } from './connection-types.js';
import type { ServerContext } from './context.js';
import { SERVER_CLOSE_CODES, SERVER_ERROR_CODES, isPlainObject } from './server-errors.js';
import type { ServerSession } from './session.js';

interface InitializeParams {
  readonly client: string;
  readonly lastSeq: number | undefined;
}

function parseInitializeParams(params: unknown): InitializeParams | undefined {
  if (!isPlainObject(params)) return undefined;
  const { client, lastSeq } = params;
  if (typeof client !== 'string' || client.length === 0) return undefined;
  if (lastSeq !== undefined && !(typeof lastSeq === 'number' && Number.isSafeInteger(lastSeq) && lastSeq >= 0)) return undefined;
  return { client, lastSeq };
}

/**
 * INITIALIZE: validates params, applies an injected answer delay (packets that arrive meanwhile
 * wait), then creates or resumes the session.
 */
export function handleInitialize(context: ServerContext, connection: ServerConnection, id: number, params: unknown): void {
  if (connection.phase !== 'awaiting-initialize') {
    connection.respondError(id, SERVER_ERROR_CODES.invalidRequest, 'invalid request: already initialized');
    return;
  }
  const parsed = parseInitializeParams(params);
  if (parsed === undefined) {
    connection.respondError(
      id,
      SERVER_ERROR_CODES.invalidParams,
      'invalid params: expected {client: non-empty string, lastSeq?: non-negative integer}',
    );
    return;
  }
  connection.clearInitTimer();
  const delayMs = context.faults.delayInitialize.take();
  if (delayMs === undefined) {
    completeInitialize(context, connection, id, parsed);
    return;
  }
  connection.phase = 'initializing';
  connection.pending = [];
  void context.delays.wait(delayMs).then((elapsed) => {
    if (elapsed && connection.phase === 'initializing') completeInitialize(context, connection, id, parsed);
  });
}

/**
 * Resumes the session of the requested Resume-Id when it is held and its replay buffer covers
 * everything after `lastSeq` (absent `lastSeq` counts as 0: nothing received); otherwise starts a
 * fresh session. Then answers, replays what the client missed, and only then lets new stream
 * messages through: all synchronously, so a publish cannot slip in between.
 */
function completeInitialize(context: ServerContext, connection: ServerConnection, id: number, params: InitializeParams): void {
  const { sessions, options } = context;
  const lastSeq = params.lastSeq ?? 0;
  let session: ServerSession | undefined;
  if (connection.requestedResumeId !== undefined) {
    const held = sessions.takeResumeId(connection.requestedResumeId);
    if (held !== undefined) {
      const previous = held.connection;
      if (previous !== undefined && previous !== connection) {
        held.connection = undefined;
        previous.closeForTakeover();
      }
      const rejected = context.faults.rejectResume.take() === true;
      if (!rejected && held.replay.covers(lastSeq)) session = held;
      else sessions.forget(held, 'discarded');
    }
  }
  const resumed = session !== undefined;
  if (session === undefined) session = sessions.create(params.client, connection.tokenAccepted || !options.authRequired);
  else if (connection.tokenAccepted) session.authorized = true;

  connection.session = session;
  sessions.attach(session, connection, resumed);
  connection.respond(id, {
    sessionId: session.sessionId,
    resumeId: connection.resumeId,
    resumed,
    heartbeatMs: options.heartbeatMs,
    authRequired: !session.authorized,
    // docs/protocol.md section 6: announced so that clients replace the connection before it is closed.
    ...(options.maxLifetimeMs > 0 ? { connectionLifetimeMs: options.maxLifetimeMs } : {}),
  });
  if (resumed) sessions.replayAfter(session, connection, lastSeq);
  connection.markReady();
}

/** AUTHORIZE: a rejection answers `401` and then closes with `4001`. */
export function handleAuthorize(context: ServerContext, connection: ServerConnection, session: ServerSession, id: number, params: unknown): void {
  const credentials = parseCredentials(params);
  if (credentials === undefined) {
    connection.respondError(id, SERVER_ERROR_CODES.invalidParams, 'invalid params: expected {license}, {username, password} or {token}');
    return;
  }
  const { auth, authRequired } = context.options;
  const finish = (accepted: boolean): void => {
    if (connection.phase === 'closing') return;
    if (!accepted) {
      if (authRequired) session.authorized = false;
      connection.respondError(id, SERVER_ERROR_CODES.unauthorized, 'unauthorized: credentials rejected');
      connection.close(SERVER_CLOSE_CODES.unauthorized, 'unauthorized');
      return;
    }
    session.authorized = true;
    connection.respond(id, auth.expiresInMs !== undefined ? { expiresAt: Date.now() + auth.expiresInMs } : {});
  };
  const verdict = checkCredentials(auth, authRequired, credentials);
  if (typeof verdict === 'boolean') finish(verdict);
  else verdict.then(finish, () => finish(false));
}

function parseStreamList(params: unknown): string[] | undefined {
  if (!Array.isArray(params) || params.length === 0) return undefined;
  for (const name of params) if (typeof name !== 'string') return undefined;
  return params as string[];
}

/**
 * SUBSCRIBE and UNSUBSCRIBE: params must be a non-empty array of strings (else `-32602`). SUBSCRIBE
 * is all or nothing: any unknown or malformed name fails it with `404` naming every such name in
 * `data.streams`. UNSUBSCRIBE ignores names that are not subscribed.
 */
export function handleStreamList(
  context: ServerContext,
  connection: ServerConnection,
  session: ServerSession,
  id: number,
  subscribe: boolean,
  params: unknown,
): void {
  const streams = parseStreamList(params);
  if (streams === undefined) {
    connection.respondError(id, SERVER_ERROR_CODES.invalidParams, 'invalid params: expected a non-empty array of stream names');
    return;
  }
  if (!subscribe) {
    context.sessions.unsubscribe(session, streams);
    connection.respond(id, null);
    return;
  }
  const unknown = [...new Set(streams.filter((name) => !context.options.isKnownStream(name)))];
  if (unknown.length > 0) {
    connection.respondError(id, SERVER_ERROR_CODES.unknownStream, `unknown stream: ${unknown.join(', ')}`, { streams: unknown });
    return;
  }
  context.sessions.subscribe(session, streams);
  connection.respond(id, null);
}
