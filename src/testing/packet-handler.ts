/**
 * What the server does with each decoded packet: the shape checks, the INITIALIZE-first rule, the
 * authorization gate and the dispatch to the methods of docs/protocol.md section 4. Internal.
 */
import { REFERENCE_METHODS } from '../protocol/reference/index.js';
import type { ServerConnection } from './connection-types.js';
import type { ServerContext } from './context.js';
import { handleAuthorize, handleInitialize, handleStreamList } from './lifecycle-methods.js';
import { ECHO_METHOD, SERVER_CLOSE_CODES, SERVER_ERROR_CODES, isPlainObject } from './server-errors.js';

function isValidId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0;
}

/**
 * Handles one packet of a connection.
 *
 * - Not an object, or no positive integer `id`: the packet is invalid (docs/protocol.md section 3),
 *   close `1007`; without a usable id there is nobody to answer.
 * - Before INITIALIZE has been answered, anything but INITIALIZE: close `4002`.
 * - A `method` that is not a string: error `-32600`.
 * - While the session is not authorized, any method but PING and AUTHORIZE: error `401`.
 */
export function handlePacket(context: ServerContext, connection: ServerConnection, packet: unknown): void {
  if (!isPlainObject(packet)) {
    connection.close(SERVER_CLOSE_CODES.invalidData, 'invalid packet: not an object');
    return;
  }
  const id = packet['id'];
  if (!isValidId(id)) {
    connection.close(SERVER_CLOSE_CODES.invalidData, 'invalid packet: id must be a positive integer');
    return;
  }
  const method = packet['method'];
  const params = packet['params'];
  if (connection.phase === 'awaiting-initialize' && method !== REFERENCE_METHODS.initialize) {
    connection.close(SERVER_CLOSE_CODES.notInitialized, 'INITIALIZE must be the first packet');
    return;
  }
  if (typeof method !== 'string') {
    connection.respondError(id, SERVER_ERROR_CODES.invalidRequest, 'invalid request: method must be a string');
    return;
  }
  if (method === REFERENCE_METHODS.initialize) {
    handleInitialize(context, connection, id, params);
    return;
  }
  const session = connection.session;
  if (session === undefined) return; // not reachable: a session is attached before phase 'ready'
  if (method === REFERENCE_METHODS.ping) {
    connection.respond(id, { time: Date.now() });
    return;
  }
  if (method === REFERENCE_METHODS.authorize) {
    handleAuthorize(context, connection, session, id, params);
    return;
  }
  if (!session.authorized) {
    connection.respondError(id, SERVER_ERROR_CODES.unauthorized, `unauthorized: AUTHORIZE before ${method}`);
    return;
  }
  switch (method) {
    case REFERENCE_METHODS.subscribe:
    case REFERENCE_METHODS.unsubscribe:
      handleStreamList(context, connection, session, id, method === REFERENCE_METHODS.subscribe, params);
      return;
    default:
      handleApplicationMethod(context, connection, id, method, params);
  }
}

/** Whether the server answers `method` as an application method: a custom handler from the options, or ECHO. */
export function hasApplicationMethod(context: ServerContext, method: string): boolean {
  return Object.hasOwn(context.options.methods, method) || method === ECHO_METHOD;
}

/** A custom handler from the options, else ECHO, else `-32601`. */
export function handleApplicationMethod(context: ServerContext, connection: ServerConnection, id: number, method: string, params: unknown): void {
  const handler = Object.hasOwn(context.options.methods, method) ? context.options.methods[method] : undefined;
  if (handler === undefined) {
    if (method === ECHO_METHOD) connection.respond(id, params ?? null);
    else connection.respondError(id, SERVER_ERROR_CODES.methodNotFound, `method not found: ${method}`);
    return;
  }
  const sessionId = connection.session?.sessionId ?? '';
  let outcome: unknown;
  try {
    outcome = handler(params, { sessionId, connectionId: connection.connectionId });
  } catch (error) {
    respondThrown(connection, id, error);
    return;
  }
  if (outcome instanceof Promise) {
    outcome.then(
      (result: unknown) => connection.respond(id, result ?? null),
      (error: unknown) => respondThrown(connection, id, error),
    );
    return;
  }
  connection.respond(id, outcome ?? null);
}

function respondThrown(connection: ServerConnection, id: number, error: unknown): void {
  if (isPlainObjectOrError(error) && typeof error.code === 'number' && Number.isInteger(error.code) && typeof error.message === 'string') {
    connection.respondError(id, error.code, error.message, error.data);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  connection.respondError(id, SERVER_ERROR_CODES.internalError, `internal error: ${message}`);
}

function isPlainObjectOrError(value: unknown): value is { code?: unknown; message?: unknown; data?: unknown } {
  return typeof value === 'object' && value !== null;
}
