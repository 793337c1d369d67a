/**
 * The live dashboard: one wirestate session bound to the page. `state$` drives the session panel,
 * one `stream()` per symbol feeds the trades table, `gaps$` warns when a reconnect could not resume.
 *
 * Query parameters: `balancer` (required, an http(s) URL; serve.ts prints a link with it),
 * `codec` (json, msgpack or bson; default: all three offered, MessagePack first), `symbols` (comma-separated),
 * `share` (a name: every tab opened with the same one shares one connection; see the front-end guide),
 * `devtools=off` (hides the devtools panel, which is shown beside the trades by default, in an unshared session).
 */
import { animationFrameScheduler, distinctUntilChanged, merge, scan, throttleTime } from 'rxjs';
// A real application imports from 'wirestate'; the example uses the source so it runs without a build.
import { bson } from '../../../src/bson.js';
import { CODEC_NAMES, createSession, json, type CodecFactory, type CodecName, type Session, type SessionOptions } from '../../../src/index.js';
import { msgpack } from '../../../src/msgpack.js';
// An application imports it from 'wirestate/devtools'; an app that does not, does not bundle it.
import { attachDevtools } from '../../../src/devtools/index.js';
import { logTransition, renderSession, renderTrades, showNotice, showRole, type TradeRow } from './view.js';

/** The fields of a trade message the page shows (the simulator sends Binance-style trades). */
interface Trade {
  /** Symbol, upper case. */
  readonly s: string;
  /** Price and quantity, decimal strings. */
  readonly p: string;
  readonly q: string;
  /** Trade time, epoch ms. */
  readonly T: number;
  /** Whether the buyer was the maker. */
  readonly m: boolean;
}

const FACTORIES: Record<CodecName, () => CodecFactory> = { json, msgpack, bson };

const DEFAULT_SYMBOLS = ['btcusdt', 'ethusdt', 'solusdt', 'bnbusdt', 'xrpusdt'];

function readOptions(params: URLSearchParams): SessionOptions | string {
  const balancer = params.get('balancer');
  if (balancer === null) return 'No balancer given: open the link that `npx tsx examples/live-dashboard/serve.ts` prints (it ends in ?balancer=…).';
  const codec = params.get('codec');
  const share = params.get('share');
  if (codec !== null && !CODEC_NAMES.includes(codec as CodecName)) return `Unknown codec "${codec}": use one of ${CODEC_NAMES.join(', ')}.`;
  return {
    balancer,
    // Offers all three unless one is asked for; an app offering JSON only imports neither subpath.
    codecs: codec === null ? [msgpack(), json(), bson()] : [FACTORIES[codec as CodecName]()],
    // One socket for every tab of the dashboard: the first tab leads, the others follow it.
    ...(share === null ? {} : { share }),
    // A dashboard should come back quickly after a blip, and not hammer a server that is down.
    reconnect: { initialDelayMs: 250, maxDelayMs: 5_000 },
    lazy: false,
  };
}

/** In a shared session only the leader tab runs the session's actor. */
function isLeader(session: Session): boolean {
  try {
    return session.actor !== undefined;
  } catch {
    return false;
  }
}

function start(): void {
  const params = new URLSearchParams(location.search);
  const options = readOptions(params);
  if (typeof options === 'string') {
    showNotice(options);
    return;
  }
  const symbols = params.get('symbols')?.split(',').filter((symbol) => symbol !== '') ?? DEFAULT_SYMBOLS;
  const session = createSession(options);
  const devtoolsHost = document.getElementById('devtools');
  // A follower tab has no machine of its own to show (its `actor` is the leader tab's), so the panel is for unshared sessions.
  if (params.get('devtools') === 'off' || options.share !== undefined) devtoolsHost?.closest('section')?.setAttribute('hidden', '');
  else if (devtoolsHost !== null) attachDevtools(session, devtoolsHost, { title: 'session devtools', openRecordings: false });

  session.state$.subscribe((snapshot) => {
    renderSession(snapshot);
    if (options.share !== undefined) showRole(isLeader(session) ? 'leader (holds the connection)' : 'follower (uses the leader\'s connection)');
  });
  session.state$.pipe(distinctUntilChanged((previous, next) => previous.value === next.value && previous.attempt === next.attempt)).subscribe((snapshot) => logTransition(snapshot));

  const trades = merge(...symbols.map((symbol) => session.stream<Trade>(`${symbol}@trade`)));
  trades
    .pipe(
      // One row per symbol, in the order of `symbols`; the map is the view model, updated in place.
      scan((rows, trade) => {
        const symbol = trade.s.toLowerCase();
        rows.set(symbol, { symbol, price: trade.p, quantity: trade.q, buyerIsMaker: trade.m, time: trade.T, count: (rows.get(symbol)?.count ?? 0) + 1 });
        return rows;
      }, new Map<string, TradeRow>(symbols.map((symbol) => [symbol, { symbol, price: '–', quantity: '–', buyerIsMaker: false, time: 0, count: 0 }]))),
      // Hundreds of trades a second, one repaint per frame.
      throttleTime(0, animationFrameScheduler, { leading: true, trailing: true }),
    )
    .subscribe({
      next: (rows) => renderTrades([...rows.values()].filter((row) => row.count > 0)),
      error: (error: unknown) => showNotice(`The trade streams ended: ${error instanceof Error ? error.message : String(error)}`),
    });

  session.gaps$.subscribe((streams) => showNotice(`A reconnect could not resume; these streams may have missed trades: ${streams.join(', ')}`, 'gaps'));
  addEventListener('pagehide', () => void session.close());
}

start();
