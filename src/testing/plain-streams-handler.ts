/**
 * The plain-streams dialect on the server side (docs/protocol.md section 9): a connection is ready as soon as it
 * opens, SUBSCRIBE/UNSUBSCRIBE with an array of names are answered `{id, result: null}`, and
 * whatever the server does not understand is silently ignored. Internal.
 */
import { PLAIN_STREAMS_METHODS } from '../protocol/plain-streams/index.js';
import type { ServerConnection } from './connection-types.js';
import type { ServerContext } from './context.js';
import { handleApplicationMethod, hasApplicationMethod } from './packet-handler.js';
import { isPlainObject } from './server-errors.js';

/**
 * Gives a new plain-streams connection its session and makes it ready. Seed 003 servers identify a
 * user by the connection's address, so that is the session's `client`.
 */
export function startPlainStreamsConnection(context: ServerContext, connection: ServerConnection, remoteAddress: string | undefined, remotePort: number | undefined): void {
  const client = `${remoteAddress ?? 'unknown'}:${remotePort ?? 0}`;
  const session = context.sessions.create(client, true);
  connection.session = session;
  context.sessions.attach(session, connection, false);
  connection.markReady();
}

/**
 * Handles one decoded packet of a plain-streams connection. Never closes the connection and never
 * answers with an error: a packet that is not `{method: string, id: number, params?}`, a stream
 * request whose params are not an array of strings, and an unknown method are all dropped (and
 * counted), as docs/protocol.md section 9 says such servers do.
 */
export function handlePlainStreamsPacket(context: ServerContext, connection: ServerConnection, packet: unknown): void {
  const session = connection.session;
  if (!isPlainObject(packet) || session === undefined) {
    countIgnored(context);
    return;
  }
  const { id, method, params } = packet;
  if (typeof method !== 'string' || typeof id !== 'number' || !Number.isSafeInteger(id)) {
    countIgnored(context);
    return;
  }
  if (method === PLAIN_STREAMS_METHODS.subscribe || method === PLAIN_STREAMS_METHODS.unsubscribe) {
    const streams = streamList(params);
    if (streams === undefined) {
      countIgnored(context);
      return;
    }
    if (method === PLAIN_STREAMS_METHODS.subscribe) context.sessions.subscribe(session, streams);
    else context.sessions.unsubscribe(session, streams);
    connection.respond(id, null);
    return;
  }
  if (!hasApplicationMethod(context, method)) {
    countIgnored(context);
    return;
  }
  handleApplicationMethod(context, connection, id, method, params);
}

/** The stream names of a SUBSCRIBE or UNSUBSCRIBE: an array of strings (possibly empty). */
function streamList(params: unknown): string[] | undefined {
  if (!Array.isArray(params)) return undefined;
  for (const name of params) if (typeof name !== 'string') return undefined;
  return params as string[];
}

/** Counts a message the server drops without a word. */
function countIgnored(context: ServerContext): void {
  context.counters.packetsIgnored++;
}
