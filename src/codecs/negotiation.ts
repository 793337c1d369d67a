/**
 * Codec negotiation through `Sec-WebSocket-Protocol` (docs/protocol.md section 2): the client offers
 * its codecs' subprotocol names in order of preference, plus `bearer.<token>` when a token travels
 * that way; the server selects exactly one codec name, or none, which means JSON.
 */
import { BEARER_SUBPROTOCOL_PREFIX, SUBPROTOCOL_TOKEN } from '../constants.js';
import { NegotiationError } from '../errors.js';
import type { CodecName } from './codec.js';

/** Subprotocol names per codec; a codec left out uses its {@link DEFAULT_SUBPROTOCOL_NAMES} entry. */
export type SubprotocolNames = Partial<Record<CodecName, string>>;

/** The outcome of {@link selectCodec}. */
export type CodecSelection = { readonly ok: true; readonly codec: CodecName } | { readonly ok: false; readonly error: NegotiationError };

/** The subprotocol name of each codec unless a server calls it differently. */
export const DEFAULT_SUBPROTOCOL_NAMES: Readonly<Record<CodecName, string>> = Object.freeze({
  json: 'json.v1',
  msgpack: 'msgpack.v1',
  bson: 'bson.v1',
});


const REDACTED_BEARER = `${BEARER_SUBPROTOCOL_PREFIX}<redacted>`;


/**
 * Whether a string can be sent as one `Sec-WebSocket-Protocol` entry (a non-empty RFC 7230 token).
 * JWTs and base64url qualify; standard base64 does not (`/` and `=` are not allowed).
 */
export function isSubprotocolToken(value: string): boolean {
  return SUBPROTOCOL_TOKEN.test(value);
}

/**
 * The `bearer.<token>` subprotocol entry that carries `token`, or undefined when the token cannot
 * travel that way (it makes no subprotocol token: a base64 token with `/` or `=`, a space).
 *
 * @example
 * ```ts
 * bearerSubprotocol('eyJhbGciOi.x.y'); // 'bearer.eyJhbGciOi.x.y'
 * bearerSubprotocol('a/b=');           // undefined
 * ```
 */
export function bearerSubprotocol(token: string): string | undefined {
  const entry = BEARER_SUBPROTOCOL_PREFIX + token;
  return isSubprotocolToken(entry) ? entry : undefined;
}

/** The subprotocol name of a codec, from `names` or else the default. */
export function subprotocolNameOf(codec: CodecName, names?: SubprotocolNames): string {
  return names?.[codec] ?? DEFAULT_SUBPROTOCOL_NAMES[codec];
}

/**
 * Replaces every `bearer.<token>` entry by `bearer.<redacted>`, so a subprotocol list can be logged
 * or put in an error message without leaking the token.
 */
export function redactSubprotocols(protocols: readonly string[]): string[] {
  return protocols.map(redactSubprotocol);
}

function redactSubprotocol(protocol: string): string {
  return protocol.startsWith(BEARER_SUBPROTOCOL_PREFIX) ? REDACTED_BEARER : protocol;
}

/**
 * Maps the subprotocol the server selected to the codec to use. An empty selection (the server
 * selected none) means JSON, whether or not JSON was offered. A name the client did not offer
 * gives a {@link NegotiationError}, whose `selected` and `offered` never contain a token.
 *
 * @param selected - the socket's `protocol` after open (`''` when none).
 * @param codecs - the codecs that were offered.
 * @param names - the subprotocol names that were used when offering.
 *
 * @example
 * ```ts
 * selectCodec('msgpack.v1', ['msgpack', 'json']); // { ok: true, codec: 'msgpack' }
 * selectCodec('', ['msgpack']);                    // { ok: true, codec: 'json' }
 * selectCodec('cbor.v1', ['json']);                // { ok: false, error: NegotiationError }
 * ```
 */
export function selectCodec(selected: string, codecs: readonly CodecName[], names?: SubprotocolNames): CodecSelection {
  if (selected === '') return { ok: true, codec: 'json' };
  for (const codec of codecs) {
    if (subprotocolNameOf(codec, names) === selected) return { ok: true, codec };
  }
  const offered = [...new Set(codecs.map((codec) => subprotocolNameOf(codec, names)))];
  return { ok: false, error: new NegotiationError(redactSubprotocol(selected), redactSubprotocols(offered)) };
}
