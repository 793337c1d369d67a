import { OptionsError } from '../../errors.js';
import type { InitializeResult, Protocol } from '../types.js';
import { classifyPlainStreamsPacket } from './classify.js';
import { PLAIN_STREAMS_CLOSE_CODES } from './close-codes.js';
import { plainStreamsHandshake } from './handshake.js';
import { PLAIN_STREAMS_METHODS, encodePlainStreamsRequest, type PlainStreamsMethodNames } from './packets.js';

/** Options of {@link plainStreams}. */
export interface PlainStreamsOptions {
  /**
   * Query parameters added to the endpoint URL of every connection, e.g. `{ apiKey: '…' }` for a
   * server that reads a key from the URL. They replace parameters of the same name already there.
   * @default {}
   */
  readonly query?: Readonly<Record<string, string>>;
  /**
   * Offer the session's codecs as subprotocols (`Sec-WebSocket-Protocol`), as the reference
   * protocol does. Off by default: seed-003 servers negotiate nothing and speak JSON, which is what
   * a handshake without subprotocols means. Turn it on for a server that requires a named
   * subprotocol, naming it through the session options:
   * `createSession({ codecs: ['json'], subprotocols: { json: 'stream.v1' }, protocol: plainStreams({ offerCodecSubprotocols: true }) })`.
   * @default false
   */
  readonly offerCodecSubprotocols?: boolean;
  /**
   * Method names of the subscribe and unsubscribe requests, for servers that spell them differently.
   * @default { subscribe: 'SUBSCRIBE', unsubscribe: 'UNSUBSCRIBE' }
   */
  readonly methods?: Partial<PlainStreamsMethodNames>;
}

const FEATURES = Object.freeze({ initialize: false, authorize: false, resume: false, seq: false, ping: false });

/** What the machine would see if it ever parsed an initialize result: nothing resumed, nothing required. */
const NO_INITIALIZE: InitializeResult = Object.freeze({ resumed: false, authRequired: false });

/**
 * The plain-streams protocol, for seed-003-style market-data servers: no initialize, no authorize,
 * no resume and no `seq`; the client sends `{"method": "SUBSCRIBE"|"UNSUBSCRIBE", "params": [...],
 * "id": n}`, the server answers `{"id": n, "result": null}` and pushes `{"stream": ..., "data": ...}`.
 *
 * How a session behaves with it:
 * - Lifecycle: `connecting` goes straight to `authorized` once the socket is open.
 * - Streams: ref counting, batching and routing as with any protocol. Every reconnect is a fresh
 *   connection: every observed stream is re-subscribed in one batch and `gaps$` names them.
 * - Requests: `session.request(method, params)` sends `{method, params, id}`. Such servers may
 *   silently ignore what they do not understand, so an unanswered request fails with a
 *   RequestTimeoutError after `requestTimeoutMs`; an unanswered subscribe is retried.
 * - Liveness: no ping request exists, so the connection counts as dead after two heartbeats
 *   (`heartbeatMs`, default 30 s) without any message; it is dropped and a new one made.
 *   WebSocket ping frames do not count (browsers do not expose them, so the session reads only
 *   messages), so raise `heartbeatMs` when a connection may legitimately stay silent longer than
 *   that (few, rarely updated streams).
 * - Close codes: see {@link PLAIN_STREAMS_CLOSE_CODES}; most closes reconnect after a backoff.
 * - Codec: JSON (no subprotocol is offered unless `offerCodecSubprotocols` is set). `auth` is
 *   not used: the dialect has none.
 *
 * @example
 * ```ts
 * const session = createSession({ endpoint: 'wss://stream.example.com/ws', protocol: plainStreams() });
 * session.stream<Trade>('btcusdt@trade').subscribe(render);
 * session.gaps$.subscribe((names) => names.forEach(refetchSnapshot));
 * ```
 *
 * @throws OptionsError for an option of the wrong type.
 */
export function plainStreams(options: PlainStreamsOptions = {}): Protocol {
  const settings = validate(options);
  return {
    name: 'plain-streams',
    features: FEATURES,
    closeCodes: PLAIN_STREAMS_CLOSE_CODES,
    handshake: (context) => plainStreamsHandshake(settings, context),
    encodeRequest: (id, request) => encodePlainStreamsRequest(id, request, settings.methods),
    classify: classifyPlainStreamsPacket,
    parseInitializeResult: () => NO_INITIALIZE,
    // A refusal names nothing the client can rely on, so it concerns every requested stream.
    failedStreams: (_error, requested) => requested,
    isUnauthorized: () => false,
    reservedMethods: Object.freeze([settings.methods.subscribe, settings.methods.unsubscribe]),
  };
}

function validate(options: PlainStreamsOptions): { query: Readonly<Record<string, string>>; offerCodecSubprotocols: boolean; methods: PlainStreamsMethodNames } {
  if (typeof options !== 'object' || options === null) throw new OptionsError('plainStreams() options must be an object.');
  const query = options.query ?? {};
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw new OptionsError('plainStreams({ query }) must be an object of string values.');
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new OptionsError(`plainStreams({ query }): the value of "${name}" must be a string, got ${typeof value}.`);
  }
  const offer = options.offerCodecSubprotocols ?? false;
  if (typeof offer !== 'boolean') throw new OptionsError('plainStreams({ offerCodecSubprotocols }) must be a boolean.');
  const methods = { ...PLAIN_STREAMS_METHODS, ...(options.methods ?? {}) };
  for (const [step, name] of Object.entries(methods)) {
    if (typeof name !== 'string' || name.length === 0) throw new OptionsError(`plainStreams({ methods }): the ${step} method name must be a non-empty string.`);
  }
  return { query: Object.freeze({ ...query }), offerCodecSubprotocols: offer, methods: Object.freeze(methods) };
}

export { PLAIN_STREAMS_CLOSE_CODES } from './close-codes.js';
export { PLAIN_STREAMS_METHODS, encodePlainStreamsRequest, type PlainStreamsMethodNames, type PlainStreamsRequestPacket } from './packets.js';
export { plainStreamsHandshake, type PlainStreamsHandshakeSettings } from './handshake.js';
export { classifyPlainStreamsPacket } from './classify.js';
