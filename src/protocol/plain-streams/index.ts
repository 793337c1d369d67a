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
   * protocol does. Off by default: plain market-data servers negotiate nothing and speak JSON, which is what
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
  /**
   * Whether the server answers SUBSCRIBE and UNSUBSCRIBE with `{"id": n, "result": null}`. Seed 003
   * never says it does (it silently ignores what it does not like), so by default a subscribe is
   * sent once per connection and the stream counts as `active` as soon as it is sent; answers, if
   * any arrive, are ignored. Set it to true for servers that do answer: then a stream is `active`
   * once its answer arrives, an error answer fails the stream with a SubscribeError, and an
   * unanswered subscribe is retried after `requestTimeoutMs` (with a RequestTimeoutError on `errors$`).
   * @default false
   */
  readonly acknowledgedSubscribes?: boolean;
}

/**
 * The plain-streams protocol's default heartbeat: 3 minutes. Quiet streams are normal for market
 * data. In Node a quiet connection gets a WebSocket ping frame after one heartbeat, and the pong
 * proves it alive; in browsers (no ping frames) a connection without any message for two
 * heartbeats (6 minutes) is dropped and a new one made. Override with the session's `heartbeatMs`.
 */
export const PLAIN_STREAMS_HEARTBEAT_MS = 180_000;

const FEATURES = Object.freeze({ initialize: false, authorize: false, resume: false, seq: false, ping: false });

/** What the machine would see if it ever parsed an initialize result: nothing resumed, nothing required. */
const NO_INITIALIZE: InitializeResult = Object.freeze({ resumed: false, authRequired: false });

/**
 * The plain-streams protocol, for plain market-data servers (docs/protocol.md section 9): no initialize, no authorize,
 * no resume and no `seq`; the client sends `{"method": "SUBSCRIBE"|"UNSUBSCRIBE", "params": [...],
 * "id": n}` and the server pushes `{"stream": ..., "data": ...}`.
 *
 * How a session behaves with it:
 * - Lifecycle: `connecting` goes straight to `authorized` once the socket is open.
 * - Streams: ref counting, batching and routing as with any protocol. By default a SUBSCRIBE is
 *   sent once per connection and not answered (such servers need not answer: docs/protocol.md section 9): the
 *   stream is `active` as soon as the request is sent. With `acknowledgedSubscribes: true` the
 *   session waits for `{"id": n, "result": null}` instead. Every reconnect is a fresh connection:
 *   every observed stream is re-subscribed in one batch and `gaps$` names them.
 * - Requests: `session.request(method, params)` sends `{method, params, id}`. Such servers may
 *   silently ignore what they do not understand, so an unanswered request fails with a
 *   RequestTimeoutError after `requestTimeoutMs`.
 * - Liveness: no ping request exists. The default heartbeat is {@link PLAIN_STREAMS_HEARTBEAT_MS}
 *   (3 minutes). In Node (`ws`) a connection quiet for a heartbeat gets a WebSocket ping frame and
 *   the server's pong proves it alive, so quiet streams never cause a reconnect. Browsers cannot
 *   send ping frames: there a connection without any message for two heartbeats is dropped and a
 *   new one made; raise `heartbeatMs` if your streams can stay silent longer.
 * - Close codes: see {@link PLAIN_STREAMS_CLOSE_CODES}; most closes reconnect after a backoff.
 * - Codec: JSON (no subprotocol is offered unless `offerCodecSubprotocols` is set).
 * - Auth: the dialect has none; a session created with `auth` fails with an OptionsError (put an
 *   API key in `query` or in the endpoint URL instead).
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
    acknowledgesSubscriptions: settings.acknowledgedSubscribes,
    defaultHeartbeatMs: PLAIN_STREAMS_HEARTBEAT_MS,
    usesAuth: false,
  };
}

function validate(options: PlainStreamsOptions): { query: Readonly<Record<string, string>>; offerCodecSubprotocols: boolean; methods: PlainStreamsMethodNames; acknowledgedSubscribes: boolean } {
  if (typeof options !== 'object' || options === null) throw new OptionsError('plainStreams() options must be an object');
  const query = options.query ?? {};
  if (typeof query !== 'object' || query === null || Array.isArray(query)) throw new OptionsError('plainStreams query must be an object of strings');
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new OptionsError(`plainStreams query.${name} must be a string`);
  }
  const offer = options.offerCodecSubprotocols ?? false;
  if (typeof offer !== 'boolean') throw new OptionsError('plainStreams offerCodecSubprotocols must be a boolean');
  const methods = { ...PLAIN_STREAMS_METHODS, ...(options.methods ?? {}) };
  for (const [step, name] of Object.entries(methods)) {
    if (typeof name !== 'string' || name.length === 0) throw new OptionsError(`plainStreams methods.${step} must be a non-empty string`);
  }
  const acknowledged = options.acknowledgedSubscribes ?? false;
  if (typeof acknowledged !== 'boolean') throw new OptionsError('plainStreams acknowledgedSubscribes must be a boolean');
  return { query: Object.freeze({ ...query }), offerCodecSubprotocols: offer, methods: Object.freeze(methods), acknowledgedSubscribes: acknowledged };
}

export { PLAIN_STREAMS_CLOSE_CODES } from './close-codes.js';
export { PLAIN_STREAMS_METHODS, encodePlainStreamsRequest, type PlainStreamsMethodNames, type PlainStreamsRequestPacket } from './packets.js';
export { plainStreamsHandshake, type PlainStreamsHandshakeSettings } from './handshake.js';
export { classifyPlainStreamsPacket } from './classify.js';
