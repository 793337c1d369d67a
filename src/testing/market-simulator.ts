/**
 * A market-data simulator on top of a test server: publishes trades and depth updates for streams
 * like `btcusdt@trade` and `ethusdt@depth` at a steady rate, for demos, benchmarks and soak tests.
 */
import { SymbolMarket, seededRandom } from './market-data.js';
import type { TestServer } from './test-server.js';

/** Options of {@link startMarketSimulator}. */
export interface MarketSimulatorOptions {
  /** Lower-case symbols. @default ['btcusdt', 'ethusdt', 'solusdt', 'bnbusdt', 'xrpusdt'] */
  readonly symbols?: readonly string[];
  /** Stream kinds per symbol; each symbol gets `<symbol>@<kind>`. @default ['trade', 'depth'] */
  readonly kinds?: readonly ('trade' | 'depth')[];
  /**
   * Explicit stream names instead of symbols × kinds. A name ending in `@depth` gets depth updates,
   * any other trades; the symbol is the part before the first `@`.
   */
  readonly streams?: readonly string[];
  /** Messages per second across all streams. @default 1_000 */
  readonly ratePerSecond?: number;
  /**
   * How often the timer publishes the messages that are due. Smaller is smoother, larger is cheaper.
   * @default 10
   */
  readonly tickMs?: number;
  /**
   * Publish only to streams that some session is subscribed to, so an idle simulator costs nothing
   * and seqs are not spent on nobody. @default true
   */
  readonly onlySubscribed?: boolean;
  /** Levels per side of a depth update (20 gives about 1 KiB of JSON). @default 20 */
  readonly depthLevels?: number;
  /** PRNG seed: the same seed gives the same payloads. @default 1 */
  readonly seed?: number;
  /** Stops by itself after publishing this many messages. @default Infinity */
  readonly maxMessages?: number;
}

/** A running simulator. */
export interface MarketSimulator {
  /** The streams it publishes to. */
  readonly streams: readonly string[];
  /** Messages published so far (each counted once, whatever the number of subscribers). */
  readonly published: number;
  /** Stream messages handed to sessions so far (published × subscribers). */
  readonly deliveries: number;
  /** False once stopped. */
  readonly running: boolean;
  /**
   * Publishes `count` messages at once, round robin over the streams, whether running or not;
   * returns how many were published. For deterministic tests and benchmarks.
   */
  step(count: number): number;
  /** Stops the timer. Safe to call more than once; the server closing stops it too. */
  stop(): void;
}

const DEFAULT_SYMBOLS = ['btcusdt', 'ethusdt', 'solusdt', 'bnbusdt', 'xrpusdt'] as const;

/** A burst after a stalled event loop is capped at this much time's worth of messages. */
const MAX_CATCH_UP_MS = 100;

interface SimulatedStream {
  readonly name: string;
  readonly market: SymbolMarket;
  readonly depth: boolean;
}

function positive(name: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`startMarketSimulator: \`${name}\` must be a positive number, got ${value}.`);
  return value;
}

/**
 * Starts publishing to `server`. Payloads are about 120 bytes (trades) and 1 KiB (depth) of JSON.
 *
 * @example
 * ```ts
 * const server = await createTestServer();
 * const simulator = startMarketSimulator(server, { symbols: ['btcusdt'], ratePerSecond: 5_000 });
 * // ... a client subscribes to btcusdt@trade and receives about 2,500 trades a second
 * simulator.stop();
 * ```
 */
export function startMarketSimulator(server: TestServer, options: MarketSimulatorOptions = {}): MarketSimulator {
  const ratePerSecond = positive('ratePerSecond', options.ratePerSecond ?? 1_000);
  const tickMs = positive('tickMs', options.tickMs ?? 10);
  const onlySubscribed = options.onlySubscribed ?? true;
  const maxMessages = options.maxMessages ?? Infinity;
  const random = seededRandom(options.seed ?? 1);
  const depthLevels = options.depthLevels ?? 20;
  const markets = new Map<string, SymbolMarket>();
  const marketOf = (symbol: string): SymbolMarket => {
    let market = markets.get(symbol);
    if (market === undefined) {
      market = new SymbolMarket(symbol, random, depthLevels);
      markets.set(symbol, market);
    }
    return market;
  };
  const names =
    options.streams ?? (options.symbols ?? DEFAULT_SYMBOLS).flatMap((symbol) => (options.kinds ?? ['trade', 'depth']).map((kind) => `${symbol}@${kind}`));
  if (names.length === 0) throw new RangeError('startMarketSimulator: no streams to publish to.');
  const streams: SimulatedStream[] = names.map((name) => ({
    name,
    market: marketOf(name.split('@')[0] ?? name),
    depth: name.endsWith('@depth'),
  }));

  let published = 0;
  let deliveries = 0;
  let cursor = 0;
  let carry = 0;
  let last = performance.now();
  let timer: NodeJS.Timeout | undefined;

  const publishTo = (targets: readonly SimulatedStream[], count: number): number => {
    if (targets.length === 0) return 0;
    const now = Date.now();
    let done = 0;
    for (; done < count && published < maxMessages; done++) {
      const stream = targets[cursor % targets.length] as SimulatedStream;
      cursor++;
      deliveries += server.publish(stream.name, stream.depth ? stream.market.depth(now) : stream.market.trade(now));
      published++;
    }
    if (published >= maxMessages) stop();
    return done;
  };

  const activeStreams = (): readonly SimulatedStream[] =>
    onlySubscribed ? streams.filter((stream) => server.hasSubscribers(stream.name)) : streams;

  const tick = (): void => {
    const now = performance.now();
    const elapsed = Math.min(now - last, MAX_CATCH_UP_MS);
    last = now;
    const due = carry + (ratePerSecond * elapsed) / 1_000;
    const count = Math.floor(due);
    carry = due - count;
    if (count > 0) publishTo(activeStreams(), count);
  };

  const offClose = server.on('close', () => stop());
  function stop(): void {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    offClose();
  }
  if (!server.closed) timer = setInterval(tick, tickMs);

  return {
    streams: names,
    get published() {
      return published;
    },
    get deliveries() {
      return deliveries;
    },
    get running() {
      return timer !== undefined;
    },
    step: (count) => publishTo(activeStreams(), count),
    stop,
  };
}
