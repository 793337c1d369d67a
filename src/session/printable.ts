import { definedOnly } from '../defined-only.js';
import { redactUrl } from '../transport/redact-url.js';
import type { SessionSnapshot } from './snapshot.js';

/** Node's `util.inspect` hook, by its registered name: no import of `node:util`, so browsers load this too. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** What a session shows of itself when printed: where it stands, never a credential or a query value. */
export interface SessionSummary {
  readonly state: SessionSnapshot['value'];
  readonly sessionId?: string;
  readonly endpoint?: string;
  readonly codec?: string;
  readonly attempt: number;
  readonly lastClose?: string;
}

function summaryOf(snapshot: SessionSnapshot): SessionSummary {
  return {
    state: snapshot.value,
    ...definedOnly({
      sessionId: snapshot.sessionId,
      endpoint: snapshot.endpoint === undefined ? undefined : redactUrl(snapshot.endpoint),
      codec: snapshot.codec,
    }),
    attempt: snapshot.attempt,
    ...definedOnly({ lastClose: snapshot.lastClose === undefined ? undefined : `${snapshot.lastClose.code}${snapshot.lastClose.reason === '' ? '' : ` ${snapshot.lastClose.reason}`}` }),
  };
}

/**
 * Makes `session` print as a short summary of its current state: `console.log(session)` and
 * `util.inspect(session)` show `Session { state: 'authorized', … }`, `JSON.stringify(session)`
 * the same fields, instead of walking into the actor, its context and its options. The endpoint
 * is shown redacted. The hooks are not enumerable, so spreading or iterating the session does not
 * meet them.
 */
export function makePrintable<T extends object>(session: T, current: () => SessionSnapshot): T {
  Object.defineProperty(session, INSPECT, {
    value: (_depth: number, options: unknown, inspect?: (value: unknown, options: unknown) => string) => {
      const summary = summaryOf(current());
      return `Session ${typeof inspect === 'function' ? inspect(summary, options) : JSON.stringify(summary)}`;
    },
  });
  Object.defineProperty(session, 'toJSON', { value: () => summaryOf(current()) });
  return session;
}
