/**
 * Turns an XState machine into documentation: a Mermaid `stateDiagram-v2`, a Markdown table of
 * every transition, and the machine's JSON definition. Everything is read from the machine object
 * itself (`machine.root`, `machine.definition`), so the docs cannot drift from the code:
 * `scripts/export-diagram.ts` writes the files and `test/visualization/diagram.test.ts` fails when
 * the committed ones differ from what this module generates.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { actionLabel, statePath, stateNodes, transitionsOf, type TransitionInfo } from '../src/devtools/machine-walk.js';

// The walk over the machine lives with the devtools, which draw the same chart at run time.
export { actionLabel, guardLabel, statePath, stateNodes, transitionsOf, type TransitionInfo } from '../src/devtools/machine-walk.js';

/** Mermaid ids are global, so nested states are named by their path (`resuming_connecting`). */
function mermaidId(node: AnyStateNode): string {
  return node.path.join('_');
}

function nodeAt(root: AnyStateNode, path: readonly string[]): AnyStateNode {
  return path.reduce<AnyStateNode>((node, key) => node.states[key] as AnyStateNode, root);
}

function transitionText(transition: TransitionInfo): string {
  return `${transition.event}${transition.guard === undefined ? '' : ` [${transition.guard}]`}`;
}

/** Mermaid takes the rest of the line as the label; keep it on one line and free of its comment and entity syntax. */
function safeLabel(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/%%/g, '% %').replace(/[#;]/g, ' ');
}

/**
 * Renders a machine as a Mermaid `stateDiagram-v2`. Mermaid cannot draw an edge out of a composite
 * state's inner state, so both ends of a transition are lifted to the sibling states under their
 * closest common ancestor and the label names the inner state it leaves from (`opening · SOCKET.OPEN`).
 * Transitions of the machine's root (they apply in every state) become a note; transitions without a
 * target become descriptions of their atomic state.
 */
export function machineToMermaid(machine: AnyStateMachine): string {
  const root = machine.root;
  const blocks = new Map<string, string[]>();
  const block = (node: AnyStateNode): string[] => {
    const key = node.path.join('.');
    let lines = blocks.get(key);
    if (lines === undefined) blocks.set(key, (lines = []));
    return lines;
  };
  const rootNotes: string[] = [];

  for (const node of stateNodes(root)) {
    if (node.parent !== undefined) {
      // Nested states are declared first in their block, so Mermaid places them there and shows their own name.
      for (const child of Object.values(node.states) as AnyStateNode[]) {
        if (child.type !== 'compound' && child.type !== 'parallel') block(node).push(`state "${child.key}" as ${mermaidId(child)}`);
      }
    }
    if (node.type === 'compound') {
      for (const initial of node.initial.target) block(node).push(`[*] --> ${mermaidId(initial as AnyStateNode)}`);
    }
    if (node.type === 'final' && node.parent !== undefined) block(node.parent).push(`${mermaidId(node)} --> [*]`);
    // A compound state's actors live as long as the whole state: the socket of `connection`, for one.
    if ((node.type === 'atomic' || node.type === 'compound') && node.parent !== undefined) {
      for (const invoked of node.invoke) block(node.parent).push(`${mermaidId(node)} : invokes ${String(invoked.src)}`);
    }
  }

  const seen = new Set<string>();
  for (const transition of transitionsOf(machine)) {
    const source = transition.source;
    if (transition.targets === undefined || transition.targets.length === 0) {
      if (source.type === 'atomic' && source.parent !== undefined) {
        block(source.parent).push(`${mermaidId(source)} : ${safeLabel(`${transitionText(transition)} / ${transition.actions.join(', ')}`)}`);
      }
      continue;
    }
    for (const target of transition.targets) {
      const from = source.path;
      const to = target.path;
      let common = 0;
      while (common < from.length && common < to.length && from[common] === to[common]) common++;
      if (common === 0 && (from.length === 0 || to.length === 0)) {
        rootNotes.push(`${transitionText(transition)} from any state to ${statePath(target)}`);
        continue;
      }
      // When one end contains the other, the edge is a loop on the outer one.
      const nested = common === from.length || common === to.length;
      const fromPath = nested ? from.slice(0, common) : from.slice(0, common + 1);
      const toPath = nested ? to.slice(0, common) : to.slice(0, common + 1);
      const leaves = from.slice(fromPath.length);
      const enters = to.slice(toPath.length);
      const label = `${leaves.length > 0 ? `${leaves.join('.')} · ` : ''}${transitionText(transition)}${enters.length > 0 ? ` → ${enters.join('.')}` : ''}`;
      const fromNode = nodeAt(root, fromPath);
      const line = `${mermaidId(fromNode)} --> ${mermaidId(nodeAt(root, toPath))} : ${safeLabel(label)}`;
      const owner = fromNode.parent ?? root;
      const key = `${owner.id}\n${line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      block(owner).push(line);
    }
  }

  const render = (node: AnyStateNode, indent: string): string[] => {
    const lines = (blocks.get(node.path.join('.')) ?? []).map((line) => `${indent}${line}`);
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      if (child.type !== 'compound' && child.type !== 'parallel') continue;
      lines.push(`${indent}state ${mermaidId(child)} {`, ...render(child, `${indent}  `), `${indent}}`);
    }
    return lines;
  };
  const finals = (Object.values(root.states) as AnyStateNode[]).filter((node) => node.type === 'final');
  const notes = finals.length > 0 ? rootNotes.map((note) => `  note right of ${mermaidId(finals[0] as AnyStateNode)} : ${safeLabel(note)}`) : [];
  return ['stateDiagram-v2', ...render(root, '  '), ...notes].join('\n') + '\n';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** A Markdown table of every transition: state, event, guard, target, actions. */
export function transitionTable(machine: AnyStateMachine): string {
  const rows = transitionsOf(machine).map((transition) => {
    const target = transition.targets === undefined || transition.targets.length === 0 ? '(stays)' : transition.targets.map(statePath).join(', ');
    return `| ${cell(statePath(transition.source))} | ${cell(transition.event)} | ${cell(transition.guard ?? '')} | ${cell(target)} | ${cell(transition.actions.join(', '))} |`;
  });
  return ['| state | event | guard | target | actions |', '|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

/** A Markdown table of every state: its entry and exit actions and the actors it invokes. */
export function stateTable(machine: AnyStateMachine): string {
  const rows = stateNodes(machine.root)
    .filter((node) => node.parent !== undefined)
    .map((node) => {
      // `after` delays add their own timer actions to entry and exit; the transitions table shows the delays.
      const own = (actions: readonly unknown[]) => actions.map(actionLabel).filter((name) => name !== 'xstate.raise' && name !== 'xstate.cancel');
      const invokes = node.invoke.map((invoked) => String(invoked.src));
      return `| ${cell(statePath(node))} | ${node.type} | ${cell(own(node.entry).join(', '))} | ${cell(own(node.exit).join(', '))} | ${cell(invokes.join(', '))} |`;
    });
  return ['| state | type | entry | exit | invokes |', '|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

/** The machine's JSON definition (XState's `machine.definition`), functions replaced by their names. */
export function machineToJson(machine: AnyStateMachine): string {
  const replacer = (key: string, value: unknown): unknown => {
    if (key === 'toJSON') return undefined;
    if (typeof value !== 'function') return value;
    const composed = (value as { guards?: unknown }).guards;
    if (Array.isArray(composed)) return { type: `xstate.${value.name}`, guards: composed };
    return { type: actionLabel(value) };
  };
  return JSON.stringify(machine.definition, replacer, 2) + '\n';
}

/** The Markdown page that shows the chart. */
export function stateChartMarkdown(machine: AnyStateMachine): string {
  return [
    `# The \`${machine.id}\` state chart`,
    '',
    '<!-- Generated from the machine object by `npm run diagram` (scripts/export-diagram.ts). Do not edit:',
    '     test/visualization/diagram.test.ts fails when this file is out of date with the machine. -->',
    '',
    'Generated from the machine itself; the [lifecycle guide](lifecycle.md) explains it. Edges out of a',
    'composite state name the inner state they leave from (`opening · SOCKET.OPEN`); bracketed names are',
    'guards, tried top to bottom in the transition table below. The JSON definition is in',
    '[state-chart.json](state-chart.json).',
    '',
    '```mermaid',
    machineToMermaid(machine).trimEnd(),
    '```',
    '',
    '## States',
    '',
    stateTable(machine).trimEnd(),
    '',
    '## Transitions',
    '',
    'In the order the machine tries them; `(stays)` marks a transition that only runs actions.',
    '',
    transitionTable(machine).trimEnd(),
    '',
  ].join('\n');
}

/** The generated files, by path relative to the repository root. */
export function diagramFiles(machine: AnyStateMachine): Record<string, string> {
  return {
    'docs/state-chart.md': stateChartMarkdown(machine),
    'docs/state-chart.json': machineToJson(machine),
  };
}
