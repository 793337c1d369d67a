/**
 * Payload generators for the market simulator: Binance-style trades (about 120 bytes of JSON) and
 * depth updates (about 1 KiB). Deterministic for a given seed.
 */

/** A trade, with the field names of common exchange feeds. */
export interface TradePayload {
  /** Event type, always `trade`. */
  readonly e: 'trade';
  /** Event time, epoch ms. */
  readonly E: number;
  /** Symbol, upper case (`BTCUSDT`). */
  readonly s: string;
  /** Trade id, rising per symbol. */
  readonly t: number;
  /** Price, as a decimal string. */
  readonly p: string;
  /** Quantity, as a decimal string. */
  readonly q: string;
  /** Trade time, epoch ms. */
  readonly T: number;
  /** Whether the buyer was the maker. */
  readonly m: boolean;
}

/** A depth update: price levels as `[price, quantity]` decimal strings. */
export interface DepthPayload {
  /** Event type, always `depthUpdate`. */
  readonly e: 'depthUpdate';
  /** Event time, epoch ms. */
  readonly E: number;
  /** Symbol, upper case (`BTCUSDT`). */
  readonly s: string;
  /** First update id in this event. */
  readonly U: number;
  /** Last update id in this event. */
  readonly u: number;
  /** Bids, best first. */
  readonly b: readonly (readonly [string, string])[];
  /** Asks, best first. */
  readonly a: readonly (readonly [string, string])[];
}

/** A small, fast, seedable PRNG (mulberry32): payloads are reproducible run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const START_PRICES: Readonly<Record<string, number>> = {
  btcusdt: 43_000,
  ethusdt: 2_300,
  solusdt: 95,
  bnbusdt: 310,
  xrpusdt: 0.62,
};

/** Decimals that keep a price readable for its magnitude. */
function priceDecimals(price: number): number {
  return price >= 1_000 ? 2 : price >= 10 ? 3 : 5;
}

/** How many prebuilt books each symbol cycles through: depth updates share their level arrays. */
const BOOKS_PER_SYMBOL = 32;

/** The market state of one symbol: a random-walk price, trade and update ids, prebuilt books. */
export class SymbolMarket {
  readonly symbol: string;
  readonly #upper: string;
  readonly #random: () => number;
  readonly #levels: number;
  #price: number;
  #tradeId = 1;
  #updateId = 1;
  #books: { b: (readonly [string, string])[]; a: (readonly [string, string])[] }[] | undefined;
  #bookIndex = 0;

  constructor(symbol: string, random: () => number, depthLevels: number) {
    this.symbol = symbol;
    this.#upper = symbol.toUpperCase();
    this.#random = random;
    this.#levels = depthLevels;
    this.#price = START_PRICES[symbol] ?? 10 + random() * 990;
  }

  /** The next trade: the price walks by at most 0.01 % per trade. */
  trade(now: number): TradePayload {
    const random = this.#random;
    this.#price *= 1 + (random() - 0.5) * 0.0002;
    return {
      e: 'trade',
      E: now,
      s: this.#upper,
      t: this.#tradeId++,
      p: this.#price.toFixed(priceDecimals(this.#price)),
      q: (random() * 2).toFixed(8),
      T: now - Math.floor(random() * 5),
      m: random() < 0.5,
    };
  }

  /**
   * The next depth update. Level arrays come from a pool built once per symbol, so a high rate does
   * not format thousands of decimals per second; they are shared and must not be mutated.
   */
  depth(now: number): DepthPayload {
    const books = (this.#books ??= this.#buildBooks());
    const book = books[this.#bookIndex] as (typeof books)[number];
    this.#bookIndex = (this.#bookIndex + 1) % books.length;
    const first = this.#updateId;
    this.#updateId += 1 + Math.floor(this.#random() * 3);
    return { e: 'depthUpdate', E: now, s: this.#upper, U: first, u: this.#updateId - 1, b: book.b, a: book.a };
  }

  #buildBooks(): { b: (readonly [string, string])[]; a: (readonly [string, string])[] }[] {
    const random = this.#random;
    const decimals = priceDecimals(this.#price);
    const tick = 10 ** -decimals;
    const books = [];
    for (let book = 0; book < BOOKS_PER_SYMBOL; book++) {
      const mid = this.#price * (1 + (random() - 0.5) * 0.001);
      const b: (readonly [string, string])[] = [];
      const a: (readonly [string, string])[] = [];
      for (let level = 0; level < this.#levels; level++) {
        const step = (level + 1) * tick * (1 + Math.floor(random() * 3));
        b.push([(mid - step).toFixed(decimals), (random() * 10).toFixed(4)]);
        a.push([(mid + step).toFixed(decimals), (random() * 10).toFixed(4)]);
      }
      books.push({ b, a });
    }
    return books;
  }
}
