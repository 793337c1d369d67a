import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SeqAnomalyError, WirestateError } from '../../src/errors.js';
import { StreamRegistry } from '../../src/streams/registry.js';

const registries: StreamRegistry[] = [];
afterEach(() => registries.splice(0).forEach((registry) => registry.close()));

/** A ready registry with `streams` observed and their subscribe in flight (never answered), recording deliveries, errors and gaps. */
function observed(streams: readonly string[]) {
  const errors: Error[] = [];
  const registry = new StreamRegistry({
    call: () => new Promise<unknown>(() => {}),
    failedStreams: (_error, requested) => requested,
    onError: (error) => errors.push(error),
  });
  registries.push(registry);
  const delivered: Array<{ stream: string; data: unknown }> = [];
  for (const stream of streams) registry.observe(stream).subscribe((data) => delivered.push({ stream, data }));
  registry.sessionReady({ resumed: false, fresh: true });
  const gaps: Array<readonly string[]> = [];
  registry.gaps$.subscribe((names) => gaps.push(names));
  return { registry, delivered, errors, gaps };
}

describe('StreamRegistry: seq anomalies', () => {
  it('reports a seq that jumps ahead, delivers it, names every observed stream as a gap and continues from it', () => {
    const { registry, delivered, errors, gaps } = observed(['a', 'b']);
    registry.route('a', 1, 1);
    registry.route('b', 2, 2);
    registry.route('a', 'huge', 2 ** 40);
    registry.route('b', 3, 2 ** 40 + 1);
    expect(delivered.map((message) => message.data)).toEqual([1, 2, 'huge', 3]);
    expect(errors).toHaveLength(1);
    const error = errors[0] as SeqAnomalyError;
    expect(error).toBeInstanceOf(SeqAnomalyError);
    expect(error).toBeInstanceOf(WirestateError);
    expect(error).toMatchObject({ code: 'protocol', stream: 'a', expected: 3, received: 2 ** 40 });
    expect(gaps).toEqual([['a', 'b']]);
    expect(registry.lastSeq).toBe(2 ** 40 + 1);
    expect(registry.inspect().map((row) => row.messages)).toEqual([2, 2]);
  });

  it('keeps delivering after one huge seq once the server goes on with its own numbering', () => {
    const { registry, delivered, errors, gaps } = observed(['a']);
    for (let seq = 1; seq <= 3; seq++) registry.route('a', seq, seq);
    registry.route('a', 'huge', Number.MAX_SAFE_INTEGER);
    for (let seq = 4; seq <= 6; seq++) registry.route('a', seq, seq);
    expect(delivered.map((message) => message.data)).toEqual([1, 2, 3, 'huge', 4, 5, 6]);
    // The jump, then the return below the new run: two anomalies, nothing dropped.
    expect(errors.map((error) => (error as SeqAnomalyError).received)).toEqual([Number.MAX_SAFE_INTEGER, 4]);
    expect(gaps).toEqual([['a'], ['a']]);
    expect(registry.lastSeq).toBe(6);
  });

  it('reports a seq below the delivered run and names only its own stream', () => {
    const { registry, delivered, errors, gaps } = observed(['a', 'b']);
    for (let seq = 10; seq <= 12; seq++) registry.route(seq % 2 === 0 ? 'a' : 'b', seq, seq);
    registry.route('b', 'back', 3);
    registry.route('a', 'next', 4);
    expect(delivered.map((message) => message.data)).toEqual([10, 11, 12, 'back', 'next']);
    expect(errors).toEqual([expect.objectContaining({ stream: 'b', expected: 13, received: 3 })]);
    expect(errors[0]).toMatchObject({ code: 'protocol', name: 'SeqAnomalyError' });
    expect(gaps).toEqual([['b']]);
  });

  it('still drops a replayed duplicate inside the delivered run, without reporting it', () => {
    const { registry, delivered, errors, gaps } = observed(['a']);
    for (let seq = 5; seq <= 9; seq++) registry.route('a', seq, seq);
    registry.route('a', 'dup', 7);
    registry.route('a', 'dup', 9);
    registry.route('a', 'dup', 5);
    expect(delivered.map((message) => message.data)).toEqual([5, 6, 7, 8, 9]);
    expect(errors).toEqual([]);
    expect(gaps).toEqual([]);
    expect(registry.inspect()).toMatchObject([{ name: 'a', messages: 5, lastSeq: 9 }]);
  });

  it('counts the seq of an unobserved stream and names no gap for it when it goes back', () => {
    const { registry, errors, gaps } = observed(['a']);
    registry.route('a', 1, 1);
    registry.route('other', 'x', 0);
    expect(errors).toHaveLength(1);
    expect(gaps).toEqual([]);
    expect(registry.lastSeq).toBe(0);
  });

  it('starts a new run on a fresh session without calling its first seq an anomaly', () => {
    const { registry, errors } = observed(['a']);
    registry.route('a', 1, 100);
    registry.sessionReady({ resumed: false, fresh: true });
    registry.route('a', 2, 1);
    expect(errors).toEqual([]);
    expect(registry.lastSeq).toBe(1);
  });

  /**
   * The rule, written plainly: the run [start, last] delivered since the last rebase; the next seq
   * continues it, a seq inside it is a duplicate, anything else is an anomaly that starts a new run.
   */
  function model(seqs: readonly number[]) {
    let start = NaN;
    let last = NaN;
    const delivered: number[] = [];
    const anomalies: number[] = [];
    for (const seq of seqs) {
      if (!Number.isNaN(last) && seq >= start && seq <= last) continue;
      if (!Number.isNaN(last) && seq !== last + 1) anomalies.push(seq);
      if (Number.isNaN(last) || seq !== last + 1) start = seq;
      last = seq;
      delivered.push(seq);
    }
    return { delivered, anomalies };
  }

  type Step = { kind: 'next' } | { kind: 'replay'; back: number } | { kind: 'absolute'; seq: number };

  /** Mostly well-behaved seqs (next, replayed) with anomalies mixed in (jumps, returns, huge values). */
  const seqSteps: fc.Arbitrary<Step[]> = fc.array(
    fc.oneof<[fc.WeightedArbitrary<Step>, fc.WeightedArbitrary<Step>, fc.WeightedArbitrary<Step>]>(
      { weight: 6, arbitrary: fc.constant({ kind: 'next' as const }) },
      { weight: 2, arbitrary: fc.nat(20).map((back) => ({ kind: 'replay' as const, back })) },
      { weight: 1, arbitrary: fc.integer({ min: -50, max: 2 ** 40 }).map((seq) => ({ kind: 'absolute' as const, seq })) },
    ),
    { maxLength: 200 },
  );

  function seqsOf(steps: readonly Step[]): number[] {
    const seqs: number[] = [];
    let last = 0;
    for (const step of steps) {
      const seq = step.kind === 'next' ? last + 1 : step.kind === 'replay' ? last - step.back : step.seq;
      seqs.push(seq);
      last = seq;
    }
    return seqs;
  }

  it('delivers, drops and reports exactly as the rule says, for any sequence of seqs', () => {
    fc.assert(
      fc.property(seqSteps, (steps) => {
        const seqs = seqsOf(steps);
        const { registry, delivered, errors, gaps } = observed(['s']);
        for (const seq of seqs) registry.route('s', seq, seq);
        const expected = model(seqs);
        expect(delivered.map((message) => message.data)).toEqual(expected.delivered);
        expect(errors.map((error) => (error as SeqAnomalyError).received)).toEqual(expected.anomalies);
        expect(gaps).toHaveLength(expected.anomalies.length);
        registry.close();
      }),
      { numRuns: 300 },
    );
  });

  it('never stops delivering: after any sequence, a server going on from a seq ahead or below everything seen is heard in full', () => {
    fc.assert(
      fc.property(seqSteps, fc.nat(2 ** 40), fc.boolean(), (steps, distance, ahead) => {
        const seqs = seqsOf(steps);
        const { registry, delivered } = observed(['s']);
        for (const seq of seqs) registry.route('s', seq, seq);
        const restart = ahead ? (registry.lastSeq ?? 0) + 1 + distance : Math.min(0, ...seqs) - 1 - distance;
        const before = delivered.length;
        for (let seq = restart; seq < restart + 5; seq++) registry.route('s', seq, seq);
        expect(delivered.length - before).toBe(5);
        registry.close();
      }),
      { numRuns: 300 },
    );
  });
});
