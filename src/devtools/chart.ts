/**
 * The state chart as plain data, read from the running machine with the same walk that generates
 * `docs/state-chart.md` and `docs/state-chart.json`. Plain data, so that it can travel to a page
 * over a WebSocket and be stored at the head of a recording: a replay draws the machine the
 * recording came from, whatever the library's machine looks like by then.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { statePath, stateNodes, transitionsOf } from './machine-walk.js';

/** One state of the chart. */
export interface ChartState {
  /** Its path below the machine, dot-separated: `connection.opening`. */
  readonly id: string;
  /** Its own key: `opening`. */
  readonly key: string;
  /** The path of the state it is nested in; absent for top-level states. */
  readonly parent?: string;
  /** Its XState node type. */
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** Whether it is the initial state of its parent. */
  readonly initial: boolean;
  /** Sources of the actors it invokes while active (`fetchEndpoint`). */
  readonly invokes: readonly string[];
}

/** Every transition between one pair of states, merged into one edge. */
export interface ChartEdge {
  /** `<source>-><target>`: unique in a chart. */
  readonly id: string;
  /** The state it leaves (a path). */
  readonly source: string;
  /** The state it enters (a path). */
  readonly target: string;
  /** What triggers it, one entry per transition definition: `SOCKET.OPEN [needsInitialize]`. */
  readonly labels: readonly string[];
}

/** A machine's chart. */
export interface ChartModel {
  /** The machine's id (`session`). */
  readonly machine: string;
  /** Every state but the root, in document order (parents before their children). */
  readonly states: readonly ChartState[];
  /** Every pair of states a transition connects. */
  readonly edges: readonly ChartEdge[];
  /** Transitions of the machine's root, taken in any state: `CLOSE → closed`. */
  readonly anyState: readonly string[];
}

/** The id of the edge from `source` to `target`. */
export function edgeId(source: string, target: string): string {
  return `${source}->${target}`;
}

/** Reads a machine's chart. */
export function chartOf(machine: AnyStateMachine): ChartModel {
  const states = stateNodes(machine.root)
    .filter((node) => node.parent !== undefined)
    .map((node): ChartState => {
      const parent = node.parent as AnyStateNode;
      return {
        id: statePath(node),
        key: node.key,
        ...(parent.parent === undefined ? {} : { parent: statePath(parent) }),
        type: node.type,
        initial: parent.type === 'compound' && parent.initial.target.some((target) => target === node),
        invokes: node.invoke.map((invoked) => String(invoked.src)),
      };
    });
  const edges = new Map<string, { source: string; target: string; labels: string[] }>();
  const anyState: string[] = [];
  for (const transition of transitionsOf(machine)) {
    const label = `${transition.event}${transition.guard === undefined ? '' : ` [${transition.guard}]`}`;
    for (const target of transition.targets ?? []) {
      if (transition.source.parent === undefined) {
        anyState.push(`${label} → ${statePath(target)}`);
        continue;
      }
      const source = statePath(transition.source);
      const id = edgeId(source, statePath(target));
      let edge = edges.get(id);
      if (edge === undefined) edges.set(id, (edge = { source, target: statePath(target), labels: [] }));
      if (!edge.labels.includes(label)) edge.labels.push(label);
    }
  }
  return {
    machine: machine.id,
    states,
    edges: [...edges.entries()].map(([id, edge]) => ({ id, ...edge })),
    anyState,
  };
}

/**
 * The paths of every active state of a snapshot value, outermost first:
 * `{ connection: 'opening' }` gives `['connection', 'connection.opening']`.
 */
export function activePaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => [prefix + key, ...activePaths(inner, `${prefix}${key}.`)]);
}
