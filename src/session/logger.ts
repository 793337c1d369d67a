import type { Observable } from 'rxjs';
import { OptionsError, type WirestateError } from '../errors.js';
import type { SessionSnapshot } from './snapshot.js';

/** Structured details of one log line; never contains a token, a password or a URL's query. */
export type LogDetails = Readonly<Record<string, unknown>>;

/** One log level: a message and its details, as `console.info(message, details)` takes them. */
export type LogMethod = (message: string, details?: LogDetails) => void;

/**
 * Where a session reports what it does, for the `logger` option. `console` fits as it is; a
 * level left out is not logged. Each line is a short message plus structured details:
 *
 * - `debug`: every state change (`state`, `attempt`);
 * - `info`: connection attempts (`endpoint`, `attempt`), `authorized` (`codec`, `resumed`,
 *   `sessionId`), a clean end;
 * - `warn`: closes (`code`, `reason`), retries (`delayMs`, `attempt`), every error of `errors$`
 *   (`code`), the one a session ends with included;
 * - `error`: the session ended with an error (one line, after that error's `warn` line).
 *
 * URLs are logged with query values and fragment masked and without credentials (see the auth
 * guide); tokens, passwords and licenses never are.
 *
 * @example
 * ```ts
 * createSession({ endpoint: 'wss://stream.example.com/ws', logger: console });
 * createSession({ endpoint: 'wss://stream.example.com/ws', logger: { warn: (message, details) => myLog.warn({ ...details }, message) } });
 * ```
 */
export interface SessionLogger {
  /** Every state change. */
  readonly debug?: LogMethod;
  /** Connection attempts, `authorized` or `resumed`, a clean end. */
  readonly info?: LogMethod;
  /** Closes with their codes, retries with their delays, non-fatal errors. */
  readonly warn?: LogMethod;
  /** The session ended with an error. */
  readonly error?: LogMethod;
}

/** The log levels, lowest first. */
export const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * Writes one line to `logger` at `level`, if it has that level. The method is called with the
 * logger as `this`, so `console` and class-based loggers work; a logger that throws is not the
 * session's problem, so its error is swallowed.
 */
export function writeLine(logger: SessionLogger, level: (typeof LEVELS)[number], message: string, details: LogDetails): void {
  try {
    logger[level]?.call(logger, message, details);
  } catch {
    // A broken logger must not break the session.
  }
}

/** Validates the `logger` option: an object whose levels, where present, are functions. */
export function validateLogger(logger: unknown): SessionLogger | undefined {
  if (logger === undefined) return undefined;
  const levels = logger as Record<string, unknown> | null;
  if (typeof logger !== 'object' || levels === null || LEVELS.some((level) => levels[level] !== undefined && typeof levels[level] !== 'function')) {
    throw new OptionsError('logger must be an object of log functions');
  }
  return logger as SessionLogger;
}

/** What the logger watches: the session's public streams, so logging cannot change behaviour. */
export interface LoggedSession {
  readonly state$: Observable<SessionSnapshot>;
  readonly errors$: Observable<WirestateError>;
}
