/**
 * Per-stream bookkeeping of the demo: message counts, rates, and a loss check by the sequence
 * numbers market data carries per stream (a trade's id `t`, a depth update's `U`..`u` range).
 */

/** The ids a message covers: a trade covers one (`t`), a depth update a range (`U`..`u`). */
export interface SequenceRange {
  readonly first: number;
  readonly last: number;
}

/**
 * Reads the per-stream sequence range from a payload shaped like the simulator's (and common
 * exchange feeds'): `{U, u}` for depth updates, `{t}` for trades. Undefined for anything else: such
 * streams are counted but not checked.
 */
export function sequenceRangeOf(data: unknown): SequenceRange | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as { readonly U?: unknown; readonly u?: unknown; readonly t?: unknown };
  if (Number.isSafeInteger(record.U) && Number.isSafeInteger(record.u)) return { first: record.U as number, last: record.u as number };
  if (Number.isSafeInteger(record.t)) return { first: record.t as number, last: record.t as number };
  return undefined;
}

/** The publish time a payload carries (`E`, epoch ms), if any. */
export function publishTimeOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const time = (data as { readonly E?: unknown }).E;
  return typeof time === 'number' ? time : undefined;
}

/** A one-line summary of a payload for the live view: a trade's price, a depth update's best bid. */
function describePayload(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const record = data as { readonly p?: unknown; readonly b?: unknown };
  if (typeof record.p === 'string') return record.p;
  if (Array.isArray(record.b)) {
    const best: unknown = record.b[0];
    if (Array.isArray(best) && typeof best[0] === 'string') return best[0];
  }
  return undefined;
}

/** How far behind a sample the rate looks: messages per second over about this window. */
const RATE_WINDOW_MS = 1_000;

/** The live numbers of one stream. */
export class StreamStats {
  readonly name: string;
  /** Messages delivered. */
  received = 0;
  /** Jumps in the sequence that `gaps$` had announced (expected after a fresh session). */
  announcedGaps = 0;
  /** Jumps in the sequence nobody announced: lost messages. */
  unannouncedGaps = 0;
  /** Ids that went backwards or repeated: duplicated or reordered messages. */
  duplicates = 0;
  /** Summary of the latest payload (a price). */
  lastValue: string | undefined;
  /** Whether its payloads carry a sequence the loss check can use. */
  checked = false;
  #lastId: number | undefined;
  /** Set by `gaps$`: the next jump in the sequence is expected. */
  #gapAnnounced = false;
  readonly #samples: { readonly at: number; readonly received: number }[] = [];

  constructor(name: string) {
    this.name = name;
  }

  /** Counts one message and checks its sequence against the previous one. */
  record(data: unknown): void {
    this.received++;
    const range = sequenceRangeOf(data);
    if (range !== undefined) {
      this.checked = true;
      const lastId = this.#lastId;
      if (lastId !== undefined) {
        if (range.first <= lastId) this.duplicates++;
        else if (range.first > lastId + 1) {
          if (this.#gapAnnounced) this.announcedGaps++;
          else this.unannouncedGaps++;
        }
      }
      this.#gapAnnounced = false;
      if (lastId === undefined || range.last > lastId) this.#lastId = range.last;
    }
    this.lastValue = describePayload(data) ?? this.lastValue;
  }

  /** `gaps$` named this stream: the next message may skip ahead. */
  announceGap(): void {
    this.#gapAnnounced = true;
  }

  /** Takes a sample of the count, for {@link rate}. Call it on a steady tick. */
  sample(now: number): void {
    const samples = this.#samples;
    samples.push({ at: now, received: this.received });
    while (samples.length > 2 && now - (samples[1] as { at: number }).at >= RATE_WINDOW_MS) samples.shift();
  }

  /** Messages per second over the last second or so of samples. */
  rate(): number {
    const samples = this.#samples;
    const oldest = samples[0];
    const newest = samples[samples.length - 1];
    if (oldest === undefined || newest === undefined || newest.at === oldest.at) return 0;
    return ((newest.received - oldest.received) * 1_000) / (newest.at - oldest.at);
  }
}

/** Totals over every stream. */
export interface Totals {
  readonly received: number;
  readonly rate: number;
  readonly announcedGaps: number;
  readonly unannouncedGaps: number;
  readonly duplicates: number;
  /** Streams whose payload carries a sequence the check can use. */
  readonly checkedStreams: number;
}

/** Sums the numbers of every stream. */
export function totalsOf(streams: Iterable<StreamStats>): Totals {
  let received = 0;
  let rate = 0;
  let announcedGaps = 0;
  let unannouncedGaps = 0;
  let duplicates = 0;
  let checkedStreams = 0;
  for (const stream of streams) {
    if (stream.checked) checkedStreams++;
    received += stream.received;
    rate += stream.rate();
    announcedGaps += stream.announcedGaps;
    unannouncedGaps += stream.unannouncedGaps;
    duplicates += stream.duplicates;
  }
  return { received, rate, announcedGaps, unannouncedGaps, duplicates, checkedStreams };
}
