/** The errors a socket reports, with the URL's query and credentials kept out of every message. */
import { TransportError } from '../errors.js';
import { redactUrlIn } from './redact-url.js';

/** The error of a WebSocket constructor that threw, without the URL's secrets. */
export function constructorError(thrown: unknown, url: string): Error {
  const detail = thrown instanceof Error ? `${thrown.name}: ${redactUrlIn(thrown.message, url)}` : redactUrlIn(String(thrown), url);
  // The thrown error is not attached as `cause`: implementations quote the full URL (token and
  // all) in it, and loggers print causes.
  return new TransportError(`WebSocket constructor threw: ${detail}`);
}

/** A TransportError from a socket's error event: the carried error's code and message where there is one. */
export function errorFromEvent(event: unknown, url: string): Error {
  const carried = event instanceof Error ? event : (event as { error?: unknown } | null)?.error;
  if (carried instanceof Error) {
    const code = (carried as { code?: unknown }).code;
    const detail = typeof code === 'string' && !carried.message.includes(code) ? `${code}: ${carried.message}` : carried.message;
    return new TransportError(`WebSocket error: ${redactUrlIn(detail, url)}`, { cause: carried });
  }
  const message = (event as { message?: unknown } | null)?.message;
  if (typeof message === 'string' && message !== '') return new TransportError(`WebSocket error: ${redactUrlIn(message, url)}`);
  // Browsers give no detail about WebSocket errors, on purpose: the close code that follows is all there is.
  return new TransportError('WebSocket error');
}
