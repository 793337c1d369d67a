/**
 * A clock that every process on the machine reads alike, for stamps taken in one process and read
 * in another. `performance.timeOrigin` is each process's own reading of the wall clock at its
 * start, and its error differs from process to process: with the two clients in processes of their
 * own, that error would add a different constant to each client's delays and bias their ratio.
 * The monotonic clock (`process.hrtime`, CLOCK_MONOTONIC on Linux) is one clock for the whole machine.
 */

/** Milliseconds of the monotonic clock minus `performance.now()`, read once per process. */
function monotonicOffsetMs(): number {
  // Node's performance.now() is the same monotonic clock minus a per-process origin, so the
  // offset is a constant; the tightest of a few bracketed readings pins it to well under 1 µs.
  let narrowest = Number.POSITIVE_INFINITY;
  let offset = 0;
  for (let reading = 0; reading < 50; reading++) {
    const before = performance.now();
    const monotonic = Number(process.hrtime.bigint()) / 1e6;
    const after = performance.now();
    if (after - before < narrowest) {
      narrowest = after - before;
      offset = monotonic - (before + after) / 2;
    }
  }
  return offset;
}

const OFFSET_MS = monotonicOffsetMs();

/**
 * The machine's monotonic clock in milliseconds, comparable between processes. Reads
 * `performance.now()` rather than `process.hrtime.bigint()` so that a read on a client's hot path
 * allocates nothing.
 */
export function monotonicMs(): number {
  return performance.now() + OFFSET_MS;
}
