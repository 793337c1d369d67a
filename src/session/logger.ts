import type { Observable } from 'rxjs';
import { OptionsError, type WirestateError } from '../errors.js';
import { redactUrl } from '../transport/redact-url.js';
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
 * - `warn`: closes (`code`, `reason`), retries (`delayMs`, `attempt`), non-fatal errors (`code`);
 * - `error`: the session ended with an error.
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

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

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

/**
 * Logs a session's life from its `state$` and `errors$`. Methods are called with the logger as
 * `this`, so `console` and class-based loggers work; a logger that throws is not the session's
 * problem, so its errors are swallowed.
 */
export function attachLogger(session: LoggedSession, logger: SessionLogger, now: () => number): void {
  const log = (level: (typeof LEVELS)[number], message: string, details: LogDetails) => {
    try {
      logger[level]?.call(logger, `wirestate: ${message}`, details);
    } catch {
      // A broken logger must not break the session.
    }
  };
  let previous: SessionSnapshot | undefined;
  // An attempt is logged once its endpoint is known: a fixed endpoint's provider answers after `connecting` began.
  let attemptLogged = false;
  session.state$.subscribe((snapshot) => {
    const endpoint = snapshot.endpoint === undefined ? undefined : redactUrl(snapshot.endpoint);
    const changed = snapshot.value !== previous?.value;
    // The close comes first: it is why the state changed.
    if (snapshot.lastClose !== undefined && snapshot.lastClose !== previous?.lastClose && snapshot.value !== 'closed') {
      const { code, reason, wasClean } = snapshot.lastClose;
      log('warn', `connection closed (${code})`, { code, reason, wasClean });
    }
    if (changed) log('debug', `state ${snapshot.value}`, { state: snapshot.value, attempt: snapshot.attempt });
    const attempting = snapshot.value === 'connecting' || snapshot.value === 'resuming';
    if (changed) attemptLogged = false;
    if (attempting && !attemptLogged && endpoint !== undefined) {
      attemptLogged = true;
      log('info', `${snapshot.value} to ${endpoint}`, { endpoint, attempt: snapshot.attempt });
    }
    if (changed || snapshot.nextRetryAt !== previous?.nextRetryAt) {
      if (snapshot.value === 'reconnecting' && snapshot.nextRetryAt !== undefined) {
        const delayMs = Math.max(0, snapshot.nextRetryAt - now());
        log('warn', `retrying in ${delayMs} ms`, { delayMs, attempt: snapshot.attempt });
      } else if (snapshot.value === 'authorized') {
        log('info', snapshot.resumed ? 'resumed' : 'authorized', { codec: snapshot.codec, resumed: snapshot.resumed, sessionId: snapshot.sessionId, endpoint });
      } else if (snapshot.value === 'closed' && snapshot.closedReason !== undefined) {
        const { code, reason, clientRequested, error } = snapshot.closedReason;
        if (error === undefined) log('info', `closed (${code})`, { code, reason, clientRequested });
        else log('error', `closed with ${error.name} (${code})`, { code, reason, clientRequested, errorCode: error.code, error: error.message });
      }
    }
    previous = snapshot;
  });
  // The error's own fields (`status`, `phase`, `limit`, …) carry its data; the message is one clause.
  session.errors$.subscribe((error) => log('warn', `${error.name}: ${error.message}`, { ...error, code: error.code }));
}
