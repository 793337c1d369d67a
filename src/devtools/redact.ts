/**
 * What keeps secrets out of the devtools: every string a record carries goes through a scrubber
 * that knows the session's current secrets, URLs lose their credentials and query
 * (`redactUrl`, the same rule as error messages), and the Resume-Id is shown masked.
 */
import { definedOnly } from '../defined-only.js';
import type { SessionContext } from '../machine/types.js';
import { redactUrl } from '../transport/redact-url.js';
import type { CloseRecord, DevtoolsContext } from './records.js';

/** What stands in for a secret found inside a text. */
const HIDDEN = '•••';
/** Shorter strings are not treated as secrets: replacing them everywhere would garble the text, and they are too short to be worth hiding. */
const MIN_SECRET_LENGTH = 4;

/**
 * Masks an identifier that must not be shown whole: only its last 4 characters remain
 * (`••••3f9a`), enough to tell two apart; an id of 8 characters or fewer is hidden entirely.
 */
export function maskSecret(value: string): string {
  return value.length > 8 ? `••••${value.slice(-4)}` : '••••';
}

/** The parts of a URL that carry secrets: `user:password` and every query value. */
function urlSecrets(url: string): string[] {
  const secrets: string[] = [];
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(url)?.[1];
  if (userInfo !== undefined) secrets.push(userInfo, ...userInfo.split(':'));
  const query = url.split(/[?#]/)[1];
  if (query !== undefined) {
    for (const pair of query.split('&')) {
      const value = pair.slice(pair.indexOf('=') + 1);
      if (pair.includes('=')) {
        secrets.push(value);
        try {
          secrets.push(decodeURIComponent(value));
        } catch {
          // Not percent-encoded properly: the raw form is already listed.
        }
      }
    }
  }
  return secrets;
}

/** Every secret the session holds now: token, credentials, Resume-Id, and the secret parts of its URLs. */
export function secretsOf(context: SessionContext): string[] {
  const secrets: string[] = [];
  const { auth, endpoint, balancerUrl } = context.input;
  const token = auth.kind === 'token' ? auth.token.reveal() : undefined;
  if (typeof token === 'string') secrets.push(token);
  if (auth.kind === 'credentials') {
    const credentials = auth.credentials.reveal() as { license?: unknown; password?: unknown };
    for (const value of [credentials.license, credentials.password]) if (typeof value === 'string') secrets.push(value);
  }
  for (const value of [context.token?.reveal(), context.resumeId]) if (value !== undefined) secrets.push(value);
  for (const url of [context.endpoint, endpoint, balancerUrl]) if (typeof url === 'string') secrets.push(...urlSecrets(url));
  return [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))];
}

/** A function that replaces every occurrence of the given secrets in a text. */
export type Scrubber = (text: string) => string;

/** A scrubber for `secrets` (longest first, so that a secret containing another is hidden whole). */
export function scrubberFor(secrets: readonly string[]): Scrubber {
  if (secrets.length === 0) return (text) => text;
  const longestFirst = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => longestFirst.reduce((scrubbed, secret) => (scrubbed.includes(secret) ? scrubbed.split(secret).join(HIDDEN) : scrubbed), text);
}

/** `map(value)`, or undefined when there is no value. */
function mapDefined<T, R>(value: T | undefined, map: (value: T) => R): R | undefined {
  return value === undefined ? undefined : map(value);
}

/** A close, scrubbed. */
export function closeRecord(close: { code: number; reason: string; wasClean?: boolean; clientRequested?: boolean }, scrub: Scrubber): CloseRecord {
  return definedOnly({ code: close.code, reason: scrub(close.reason), wasClean: close.wasClean, clientRequested: close.clientRequested });
}

/** The context a person needs, with every secret redacted. */
export function redactContext(context: SessionContext, scrub: Scrubber, reconnecting: boolean): DevtoolsContext {
  return definedOnly({
    attempt: context.attempt,
    resumed: context.resumed,
    retryDelayMs: reconnecting ? context.retryDelayMs : undefined,
    nextRetryAt: reconnecting ? context.nextRetryAt : undefined,
    codec: context.codec,
    location: mapDefined(context.location, scrub),
    endpoint: mapDefined(context.endpoint, (endpoint) => scrub(redactUrl(endpoint))),
    sessionId: mapDefined(context.sessionId, scrub),
    connectionId: mapDefined(context.connectionId, scrub),
    resumeId: mapDefined(context.resumeId, maskSecret),
    lastClose: mapDefined(context.lastClose, (close) => closeRecord(close, scrub)),
    closed: mapDefined(context.closedReason, (close) => closeRecord(close, scrub)),
    lastError: mapDefined(context.lastError, (error) => ({ code: error.code, message: scrub(error.message) })),
  });
}
