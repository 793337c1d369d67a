import { OptionsError } from '../../errors.js';
import type { Handshake, HandshakeContext } from '../types.js';

/** How a plain-streams handshake is built; see {@link plainStreams} for the options it comes from. */
export interface PlainStreamsHandshakeSettings {
  /** Query parameters added to the endpoint (they replace any of the same name). */
  readonly query: Readonly<Record<string, string>>;
  /** Offer the codecs' subprotocol names, as the reference protocol does. */
  readonly offerCodecSubprotocols: boolean;
}

/**
 * Builds the URL and subprotocols of one plain-streams connection attempt.
 *
 * - URL: the endpoint exactly as given, plus the `query` option's parameters. No version, no resume
 *   parameter: the dialect has neither.
 * - Subprotocols: none by default. Seed 003 servers accept "standard WebSocket handshake requests"
 *   and speak JSON text; a server that selects no subprotocol means JSON, whatever codecs the
 *   session lists. With `offerCodecSubprotocols` the codecs' names are offered in preference order
 *   (name them per server with the session's `subprotocols` option).
 * - Headers: none. A token, if the session has one, is not sent: the dialect has no auth (put an
 *   API key in `query` or in the endpoint URL instead).
 *
 * @throws OptionsError when the endpoint is not a valid URL.
 */
export function plainStreamsHandshake(settings: PlainStreamsHandshakeSettings, context: HandshakeContext): Handshake {
  let url: URL;
  try {
    url = new URL(context.endpoint);
  } catch {
    throw new OptionsError('endpoint must be an absolute ws(s) URL');
  }
  const protocols = settings.offerCodecSubprotocols ? context.codecs.map((codec) => context.subprotocolNames[codec]) : [];
  const query = Object.entries(settings.query);
  // Without extra parameters the endpoint goes out exactly as given (URL would normalize it).
  if (query.length === 0) return { url: context.endpoint, protocols, headers: {} };
  for (const [name, value] of query) url.searchParams.set(name, value);
  return { url: url.toString(), protocols, headers: {} };
}
