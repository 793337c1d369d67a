import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from '../../src/testing/replay-buffer.js';

function replayed(buffer: ReplayBuffer, lastSeq: number): [number, string, unknown][] {
  const out: [number, string, unknown][] = [];
  buffer.forEachAfter(lastSeq, (seq, stream, data) => out.push([seq, stream, data]));
  return out;
}

describe('ReplayBuffer', () => {
  it('keeps exactly the newest `capacity` messages and covers a lastSeq only when nothing after it is lost', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: -2, max: 65 }), (capacity, pushes, lastSeq) => {
        const buffer = new ReplayBuffer(capacity);
        const all: [number, string, unknown][] = [];
        for (let seq = 1; seq <= pushes; seq++) {
          const message: [number, string, unknown] = [seq, `s${seq % 3}`, { n: seq }];
          all.push(message);
          buffer.push(...message);
        }
        const kept = all.slice(Math.max(0, all.length - capacity));
        expect(buffer.size).toBe(kept.length);
        const oldestKept = pushes - kept.length + 1;
        const covered = lastSeq >= oldestKept - 1 && lastSeq <= pushes;
        expect(buffer.covers(lastSeq)).toBe(covered);
        if (covered) expect(replayed(buffer, lastSeq)).toEqual(all.filter(([seq]) => seq > lastSeq));
      }),
    );
  });

  it('covers the current seq with nothing to replay, even with capacity 0', () => {
    const buffer = new ReplayBuffer(0);
    buffer.push(1, 'a', 1);
    buffer.push(2, 'a', 2);
    expect(buffer.covers(2)).toBe(true);
    expect(buffer.covers(1)).toBe(false);
    expect(replayed(buffer, 2)).toEqual([]);
  });

  it('clear() drops messages but keeps the seq', () => {
    const buffer = new ReplayBuffer(4);
    buffer.push(1, 'a', 1);
    buffer.push(2, 'a', 2);
    buffer.clear();
    expect(buffer.size).toBe(0);
    expect(buffer.covers(2)).toBe(true);
    expect(buffer.covers(1)).toBe(false);
  });
});
