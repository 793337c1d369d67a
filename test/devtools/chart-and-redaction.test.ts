/**
 * The chart is read from the machine with the docs' own walk (so it follows the machine), the
 * active paths of a snapshot value, the redaction rules, and the reader of recordings.
 */
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { activePaths, chartOf } from '../../src/devtools/chart.js';
import { stateNodes, statePath, transitionsOf } from '../../src/devtools/machine-walk.js';
import { encodeRecord, maskSecret, parseRecording, RecordingError, RECORD_FORMAT_VERSION, type HelloRecord } from '../../src/devtools/index.js';
import { scrubberFor } from '../../src/devtools/redact.js';
import { sessionMachine } from '../../src/index.js';

describe('chartOf', () => {
  it('has every state and every targeted transition of the session machine', () => {
    const chart = chartOf(sessionMachine);
    expect(chart.states.map((state) => state.id)).toEqual(stateNodes(sessionMachine.root).slice(1).map(statePath));
    const pairs = new Set(
      transitionsOf(sessionMachine)
        .filter((transition) => transition.source.parent !== undefined)
        .flatMap((transition) => (transition.targets ?? []).map((target) => `${statePath(transition.source)}->${statePath(target)}`)),
    );
    expect(new Set(chart.edges.map((edge) => edge.id))).toEqual(pairs);
    expect(chart.anyState.some((text) => text.startsWith('CLOSE'))).toBe(true);
    expect(chart.states.find((state) => state.id === 'connection.opening')).toMatchObject({ parent: 'connection', key: 'opening', type: 'atomic' });
    expect(chart.states.find((state) => state.id === 'idle')?.initial).toBe(true);
  });

  it('follows whatever nested states a machine has', () => {
    const machine = setup({}).createMachine({
      id: 'other',
      initial: 'idle',
      states: {
        idle: { on: { GO: 'authorized.fresh' } },
        authorized: { initial: 'fresh', states: { fresh: { after: { 10: 'stale' } }, stale: {} }, on: { STOP: 'closed' } },
        closed: { type: 'final' },
      },
    });
    const chart = chartOf(machine);
    expect(chart.states.map((state) => state.id)).toEqual(['idle', 'authorized', 'authorized.fresh', 'authorized.stale', 'closed']);
    expect(chart.edges.map((edge) => [edge.id, edge.labels])).toEqual([
      ['idle->authorized.fresh', ['GO']],
      ['authorized->closed', ['STOP']],
      ['authorized.fresh->authorized.stale', ['after 10 ms']],
    ]);
  });

  it('lists the active paths of a snapshot value, outermost first', () => {
    expect(activePaths('idle')).toEqual(['idle']);
    expect(activePaths({ connecting: 'opening' })).toEqual(['connecting', 'connecting.opening']);
    expect(activePaths({ a: { b: 'c' } })).toEqual(['a', 'a.b', 'a.b.c']);
  });
});

describe('redaction', () => {
  it('masks ids to their last 4 characters, short ones entirely', () => {
    expect(maskSecret('resume-0123456789abcdef')).toBe('••••cdef');
    expect(maskSecret('short')).toBe('••••');
  });

  it('scrubs every secret from a text, longest first', () => {
    const scrub = scrubberFor(['abcdef123', 'abcdef123456']);
    expect(scrub('closed: token abcdef123456 and abcdef123')).toBe('closed: token ••• and •••');
  });
});

describe('parseRecording', () => {
  const hello: HelloRecord = { type: 'hello', v: RECORD_FORMAT_VERSION, t: 1, chart: chartOf(sessionMachine), state: ['idle'], context: { attempt: 0, resumed: false }, streams: [] };

  it('reads what encodeRecord writes, and drops a cut-off last line', () => {
    const text = encodeRecord(hello) + encodeRecord({ type: 'gap', t: 2, streams: ['a'] }) + '{"type":"tra';
    expect(parseRecording(text).map((record) => record.type)).toEqual(['hello', 'gap']);
  });

  it('names the line of a record it cannot read', () => {
    expect(() => parseRecording(`${encodeRecord(hello)}not json\n${encodeRecord(hello)}`)).toThrow(RecordingError);
    expect(() => parseRecording(`${encodeRecord(hello)}not json\n${encodeRecord(hello)}`)).toThrow(expect.objectContaining({ line: 2, code: 'recording' }));
    expect(() => parseRecording(encodeRecord({ type: 'gap', t: 2, streams: [] }))).toThrow(/must start with a hello/);
    expect(() => parseRecording(JSON.stringify({ ...hello, v: 99 }))).toThrow(/unsupported recording format version/);
    expect(() => parseRecording('')).toThrow(/empty/);
  });
});
