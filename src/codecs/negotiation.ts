/**
 * Codec negotiation through `Sec-WebSocket-Protocol` (docs/protocol.md section 2): the client offers
 * its codecs' subprotocol names in order of preference, plus `bearer.<token>` when a token travels
 * that way; the server selects exactly one codec name, or none, which means JSON.
 */
import { BEARER_SUBPROTOCOL_PREFIX, SUBPROTOCOL_TOKEN, SUBPROTOCOL_TOKEN_CHARACTER } from '../constants.js';
import { NegotiationError, OptionsError } from '../errors.js';
import type { CodecName } from './codec.js';
import { isCodecName } from './codec-names.js';

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

export { BEARER_SUBPROTOCOL_PREFIX };

const REDACTED_BEARER = `${BEARER_SUBPROTOCOL_PREFIX}<redacted>`;


/**
 * Whether a string can be sent as one `Sec-WebSocket-Protocol` entry (a non-empty RFC 7230 token).
 * JWTs and base64url qualify; standard base64 does not (`/` and `=` are not allowed).
 */
export function isSubprotocolToken(value: string): boolean {
  return SUBPROTOCOL_TOKEN.test(value);
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

/** The codecs' subprotocol names in order, each codec once. Throws OptionsError for an unusable list. */
function codecSubprotocols(codecs: readonly CodecName[], names: SubprotocolNames | undefined): string[] {
  const offered: string[] = [];
  const seen = new Set<CodecName>();
  for (const codec of codecs) {
    if (!isCodecName(codec)) throw new OptionsError(`unknown codec ${String(codec)}`);
    if (seen.has(codec)) continue;
    seen.add(codec);
    const name = subprotocolNameOf(codec, names);
    if (!isSubprotocolToken(name)) {
      throw new OptionsError(
        `subprotocols.${codec} must be a subprotocol token`,
      );
    }
    if (name.startsWith(BEARER_SUBPROTOCOL_PREFIX)) {
      throw new OptionsError(`subprotocols.${codec} must not start with ${BEARER_SUBPROTOCOL_PREFIX}`);
    }
    if (offered.includes(name)) {
      throw new OptionsError('subprotocols must differ per codec');
    }
    offered.push(name);
  }
  return offered;
}

function assertTokenFitsSubprotocol(token: string): void {
  if (token.length === 0) {
    throw new OptionsError('auth token must be non-empty');
  }
  for (let index = 0; index < token.length; index++) {
    // The offending character itself is left out of the message: it is part of a secret.
    if (!SUBPROTOCOL_TOKEN_CHARACTER.test(token.charAt(index))) {
      throw new OptionsError(
        'auth token must be a subprotocol token',
      );
    }
  }
}

/**
 * The `Sec-WebSocket-Protocol` entries of a handshake: the codecs' subprotocol names in the given
 * order of preference (each codec once), then `bearer.<token>` when a token is given.
 *
 * @param codecs - codecs in order of preference; at least one.
 * @param names - subprotocol names that differ from {@link DEFAULT_SUBPROTOCOL_NAMES}.
 * @param bearerToken - a token to send with the `subprotocol` auth transport.
 * @throws OptionsError when no codec is given, a name is not a valid subprotocol or is shared by two
 * codecs, or the token contains characters a subprotocol cannot carry (then use the `query` or
 * `packet` auth transport). The message never contains the token.
 *
 * @example
 * ```ts
 * offerSubprotocols(['msgpack', 'json'], undefined, 'eyJhbGciOi.eyJzdWIi.c2ln');
 * // ['msgpack.v1', 'json.v1', 'bearer.eyJhbGciOi.eyJzdWIi.c2ln']
 * offerSubprotocols(['json'], { json: 'wirestate-json' }); // ['wirestate-json']
 * ```
 */
export function offerSubprotocols(codecs: readonly CodecName[], names?: SubprotocolNames, bearerToken?: string): string[] {
  if (codecs.length === 0) throw new OptionsError('codecs must not be empty');
  const offered = codecSubprotocols(codecs, names);
  if (bearerToken !== undefined) {
    assertTokenFitsSubprotocol(bearerToken);
    offered.push(`${BEARER_SUBPROTOCOL_PREFIX}${bearerToken}`);
  }
  return offered;
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
