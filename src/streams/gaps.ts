import type { StreamEntry } from './stream-entry.js';

/**
 * Which streams may have missed messages, decided over the registry's entries: the pure half of
 * `gaps$` (the registry announces what these return).
 */

/** Whether the server holds the stream, or will once a subscribe in flight is answered. */
function mayBeOnServer(entry: StreamEntry): boolean {
  return entry.presence !== 'no' || entry.inFlight === 'subscribe';
}

/**
 * A fresh session replaced the previous one, which held every stream the server had: each entry
 * is now off the server (a request still in flight is re-sent by the correlator, or fails, and its
 * outcome overrides this) and, when observed and on the old session, counts a gap and is marked
 * as re-subscribing. Returns those names, in the order the streams were first observed.
 */
export function forgetServerSession(entries: Iterable<StreamEntry>): string[] {
  const missed: string[] = [];
  for (const entry of entries) {
    const wasOnServer = mayBeOnServer(entry);
    entry.presence = 'no';
    if (entry.observers > 0 && wasOnServer) {
      missed.push(entry.name);
      entry.gaps++;
      entry.resubscribing = true;
    }
  }
  return missed;
}

/**
 * The streams a seq anomaly may have cost messages: a jump ahead lost the messages in between,
 * which may have belonged to any stream on the server, so every observed stream that may be
 * subscribed (and the message's own); a seq that went back only its own stream, if observed.
 */
export function missedBySeqAnomaly(streams: ReadonlyMap<string, StreamEntry>, stream: string, seq: number, expected: number): string[] {
  if (seq < expected) return (streams.get(stream)?.observers ?? 0) > 0 ? [stream] : [];
  const missed: string[] = [];
  for (const entry of streams.values()) {
    if (entry.observers > 0 && (mayBeOnServer(entry) || entry.name === stream)) missed.push(entry.name);
  }
  return missed;
}
