import { OptionsError } from '../../errors.js';
import { bearerSubprotocol } from '../../codecs/negotiation.js';
import { REFERENCE_PROTOCOL_VERSION } from '../../constants.js';
import type { Handshake, HandshakeContext } from '../types.js';


/**
 * Builds the URL, subprotocols and headers of one connection attempt (docs/protocol.md section 2).
 *
 * - URL: the endpoint with `version=1` (or the `version` given), `resume=<Resume-Id>` when resuming, and `token=<token>`
 *   only with the `query` token transport. Query parameters already on the endpoint are kept
 *   (ours replace any of the same name).
 * - Subprotocols: the codecs' subprotocol names in preference order, then `bearer.<token>` with
 *   the `subprotocol` token transport. A token with no transport given travels by subprotocol,
 *   the protocol's default for tokens.
 * - Headers: `Resume-Id` when resuming. Only Node can send them; the query parameter is the
 *   portable form and always present.
 *
 * @throws OptionsError when the endpoint is not a valid URL, or a subprotocol token contains
 * characters a subprotocol cannot carry.
 */
export function referenceHandshake(context: HandshakeContext, version: string = REFERENCE_PROTOCOL_VERSION): Handshake {
  const url = parseEndpoint(context.endpoint);
  url.searchParams.set('version', version);
  if (context.resumeId !== undefined) url.searchParams.set('resume', context.resumeId);
  const transport = context.tokenTransport ?? 'subprotocol';
  if (context.token !== undefined && transport === 'query') url.searchParams.set('token', context.token);

  const protocols = context.codecs.map((codec) => context.subprotocolNames[codec]);
  if (context.token !== undefined && transport === 'subprotocol') {
    const entry = bearerSubprotocol(context.token);
    if (entry === undefined) {
      throw new OptionsError(
        "auth token must be a subprotocol token unless auth.transport is 'query' or 'packet'",
      );
    }
    protocols.push(entry);
  }

  const headers: Record<string, string> = context.resumeId === undefined ? {} : { 'Resume-Id': context.resumeId };
  return { url: url.toString(), protocols, headers };
}

function parseEndpoint(endpoint: string): URL {
  try {
    return new URL(endpoint);
  } catch {
    throw new OptionsError('endpoint must be an absolute ws(s) URL');
  }
}
