import type { ServerError } from '../errors.js';
import type { ResponseError } from '../protocol/types.js';

/**
 * Rebuilds the server's error object from a {@link ServerError}, so a failed subscribe can be
 * handed back to the protocol (`failedStreams`) and quoted in a `SubscribeError`.
 *
 * `ServerError` keeps the code and data but folds the server's message into its own; this takes the
 * server's text back out of it (the whole message when it does not have the usual prefix).
 */
export function responseErrorOf(error: ServerError): ResponseError {
  const prefix = `${error.method} failed with server error ${error.serverCode}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return error.data === undefined ? { code: error.serverCode, message } : { code: error.serverCode, message, data: error.data };
}
