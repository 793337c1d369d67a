import type { WirestateError } from '../errors.js';
import { redactUrl } from '../transport/redact-url.js';
import { writeLine, type LEVELS, type LogDetails, type SessionLogger } from './logger.js';
import type { SessionSnapshot } from './snapshot.js';

/** Writes a session's log lines, one call per snapshot of `state$` and per error of `errors$`. */
export interface LogLines {
  /** A snapshot, and the session's clock when it was published (for the delay of a retry). */
  state(snapshot: SessionSnapshot, at: number): void;
  error(error: WirestateError): void;
}

/**
 * The lines a session's logger gets (loaded on demand by `attachLogger`), each written by
 * {@link writeLine} (a logger that throws does not break the session).
 */
export function logLines(logger: SessionLogger): LogLines {
  const log = (level: (typeof LEVELS)[number], message: string, details: LogDetails) => writeLine(logger, level, `wirestate: ${message}`, details);
  let previous: SessionSnapshot | undefined;
  // An attempt is logged once its endpoint is known: a fixed endpoint's provider answers after `connecting` began.
  let attemptLogged = false;
  const state = (snapshot: SessionSnapshot, at: number) => {
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
        const delayMs = Math.max(0, snapshot.nextRetryAt - at);
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
  };
  return {
    state,
    // The error's own fields (`status`, `phase`, `limit`, …) carry its data; the message is one clause.
    error: (error) => log('warn', `${error.name}: ${error.message}`, { ...error, code: error.code }),
  };
}
