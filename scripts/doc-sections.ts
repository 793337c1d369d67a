/**
 * Generated sections inside hand-written guides: a guide marks a section with
 * `<!-- generated:<name> -->` … `<!-- /generated:<name> -->` and `npm run diagram` rewrites what is
 * between the markers, so the lifecycle guide's overview chart and close-code table come from the
 * machine and the protocol's table, never from memory.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { CLOSE_CODE_NAMES, REFERENCE_CLOSE_CODES } from '../src/protocol/reference/index.js';
import type { CloseCodeTable, CloseReaction } from '../src/protocol/types.js';
import { transitionsOf } from './diagram.js';

/** What the session does for each reaction, in words. */
export const REACTION_WORDS: Readonly<Record<CloseReaction, string>> = {
  resume: 'resume at once (after a backoff when the previous reconnect failed too)',
  'resume-after-backoff': 'resume after a backoff',
  'resume-after-long-backoff': 'resume after a long backoff (`longDelayFactor` times the usual ceiling)',
  'new-session': 'new session at once, through the balancer when there is one',
  'reconnect-after-backoff': 'new session after a backoff',
  'retry-with-new-token': 'fatal, unless `auth.token` is a provider: then one new session at once with a fresh token',
  fatal: 'fatal: `closed` with an error, no reconnect',
};

/**
 * The top-level states and which events move the session between them, guards and inner states
 * left out: the overview a reader needs before the full chart.
 */
export function overviewMermaid(machine: AnyStateMachine): string {
  const edges = new Map<string, Set<string>>();
  const top = (node: AnyStateNode): string | undefined => node.path[0];
  for (const transition of transitionsOf(machine)) {
    const from = top(transition.source);
    for (const target of transition.targets ?? []) {
      const to = top(target);
      if (from === undefined || to === undefined) continue;
      // Moves between the inner states of one top-level state are the full chart's business.
      if (from === to && transition.source.path.length > 1 && target.path.length > 1) continue;
      const key = `${from} --> ${to}`;
      const events = edges.get(key) ?? new Set<string>();
      // A transient step (`always`) is told apart by its guard: which verdict leads where.
      events.add(transition.event === 'always' && transition.guard !== undefined ? `always [${transition.guard}]` : transition.event);
      edges.set(key, events);
    }
  }
  const root = machine.root;
  const initial = root.initial.target.map((node) => `  [*] --> ${String(top(node as AnyStateNode))}`);
  const finals = (Object.values(root.states) as AnyStateNode[]).filter((node) => node.type === 'final').map((node) => `  ${node.key} --> [*]`);
  // Sorted by the states' document order and the events' names, so reordering guards does not change the overview.
  const order = new Map(Object.keys(root.states).map((key, index) => [key, index]));
  const rank = (key: string) => key.split(' --> ').map((state) => order.get(state) ?? 0);
  const sorted = [...edges].sort(([a], [b]) => {
    const [fromA = 0, toA = 0] = rank(a);
    const [fromB = 0, toB = 0] = rank(b);
    return fromA - fromB || toA - toB;
  });
  const lines = sorted.map(([key, events]) => `  ${key} : ${[...events].sort().join(', ')}`);
  return ['stateDiagram-v2', ...initial, ...lines, ...finals].join('\n') + '\n';
}

/** The reference protocol's close-code table as Markdown: exact codes, named codes that fall in a range, the ranges and the fallback. */
export function closeCodeMarkdown(table: CloseCodeTable, names: Readonly<Record<number, string>>): string {
  const rangeFor = (code: number) => table.ranges.find((range) => code >= range.from && code <= range.to);
  const rows: string[] = [
    `| 1000 | ${names[1000] ?? ''} | closed after the client's own \`close()\`; sent unasked by the server: ${REACTION_WORDS[table.unaskedNormalClose]} | \`${table.unaskedNormalClose}\` |`,
  ];
  const codes = new Set([...Object.keys(table.codes), ...Object.keys(names)].map(Number).filter((code) => code !== 1000));
  for (const code of [...codes].sort((a, b) => a - b)) {
    const exact = table.codes[code];
    const range = rangeFor(code);
    const reaction = exact ?? range?.reaction ?? table.fallback;
    const note = exact === undefined ? ` (no entry of its own: ${range === undefined ? 'the fallback' : `the ${range.from}-${range.to} range`})` : '';
    rows.push(`| ${code} | ${names[code] ?? ''} | ${REACTION_WORDS[reaction]}${note} | \`${reaction}\` |`);
  }
  for (const range of table.ranges) rows.push(`| other ${range.from}-${range.to} | | ${REACTION_WORDS[range.reaction]} | \`${range.reaction}\` |`);
  rows.push(`| anything else | | ${REACTION_WORDS[table.fallback]} | \`${table.fallback}\` |`);
  return ['| code | name | what the session does by default | reaction |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}

/**
 * Replaces the body of every `<!-- generated:<name> -->` section of `markdown` with `sections[name]`.
 * @throws Error when a section named in `sections` has no markers, so a renamed marker cannot go unnoticed.
 */
export function updateGeneratedSections(markdown: string, sections: Readonly<Record<string, string>>): string {
  let result = markdown;
  for (const [name, body] of Object.entries(sections)) {
    const begin = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const start = result.indexOf(begin);
    const stop = result.indexOf(end);
    if (start === -1 || stop === -1 || stop < start) throw new Error(`The section markers ${begin} … ${end} are missing.`);
    result = `${result.slice(0, start + begin.length)}\n${body.trimEnd()}\n${result.slice(stop)}`;
  }
  return result;
}

/** The generated sections of each guide, by path relative to the repository root. */
export function guideSections(machine: AnyStateMachine): Record<string, Record<string, string>> {
  return {
    'docs/lifecycle.md': {
      'lifecycle-overview': ['```mermaid', overviewMermaid(machine).trimEnd(), '```'].join('\n'),
      'close-codes': closeCodeMarkdown(REFERENCE_CLOSE_CODES, CLOSE_CODE_NAMES),
    },
  };
}
