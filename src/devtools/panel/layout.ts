/**
 * Lays the chart out with ELK (elkjs), the Eclipse Layout Kernel that Stately's own visualizer
 * uses: its layered algorithm handles what a state chart needs and simpler libraries do not,
 * namely compound nodes (nested states drawn inside their parent) with edges that cross their
 * borders (`preparing → connection.opening`), cycle breaking by the machine's own order (so the
 * chart reads idle → resolving → preparing → connection → … and the ways back point backwards), and merging of
 * parallel edges. Edges carry no inline labels: 53 of them would bury the states; each edge's
 * triggers are in its tooltip and the event log names the one just taken. The layout runs once per
 * chart; highlighting never re-lays it out.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { ChartModel, ChartState } from '../chart.js';

/** A point of the laid-out chart, in SVG user units. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A state's box. */
export interface PlacedState {
  readonly state: ChartState;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Nesting depth: 0 for top-level states. */
  readonly depth: number;
}

/** An edge's route. */
export interface PlacedEdge {
  readonly id: string;
  readonly points: readonly Point[];
  /** Every trigger of the edge, for its tooltip. */
  readonly labels: readonly string[];
}

/** The laid-out chart. */
export interface ChartLayout {
  readonly width: number;
  readonly height: number;
  readonly states: readonly PlacedState[];
  readonly edges: readonly PlacedEdge[];
}

/** Approximate width of a text in the panel's 11 px font: a layout needs sizes before anything is drawn. */
export function textWidth(text: string, pixelsPerChar = 6.6): number {
  return Math.ceil(text.length * pixelsPerChar);
}

const STATE_HEIGHT = 30;
const TITLE_HEIGHT = 22;

const LAYOUT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'SPLINES',
  'elk.layered.mergeEdges': 'true',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.spacing.nodeNode': '24',
  'elk.spacing.edgeLabel': '2',
  'elk.spacing.edgeEdge': '8',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // The machine's document order is its story (idle, resolving, connecting, …): cycles are broken
  // against it, so the chart reads in that order and the way back (reconnecting) points backwards.
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
};

let elk: InstanceType<typeof ELK> | undefined;

/** Lays out `chart`; resolves with boxes and routes in one coordinate space. */
export async function layoutChart(chart: ChartModel): Promise<ChartLayout> {
  const nodes = new Map<string, ElkNode>();
  const root: ElkNode = { id: '__root', children: [], edges: [], layoutOptions: LAYOUT_OPTIONS };
  for (const state of chart.states) {
    const compound = chart.states.some((other) => other.parent === state.id);
    const node: ElkNode = compound
      ? { id: state.id, children: [], layoutOptions: { 'elk.padding': `[top=${TITLE_HEIGHT + 6},left=10,bottom=10,right=10]` } }
      : { id: state.id, width: Math.max(70, textWidth(state.key, 7.4) + 24), height: STATE_HEIGHT };
    nodes.set(state.id, node);
    const parent = state.parent === undefined ? root : nodes.get(state.parent);
    (parent ?? root).children?.push(node);
  }
  for (const edge of chart.edges) {
    const elkEdge: ElkExtendedEdge = { id: edge.id, sources: [edge.source], targets: [edge.target] };
    root.edges?.push(elkEdge);
  }
  elk ??= new ELK();
  const laid = await elk.layout(root);

  const absolute = new Map<string, Point>([['__root', { x: 0, y: 0 }]]);
  const states: PlacedState[] = [];
  const byId = new Map(chart.states.map((state) => [state.id, state]));
  const visit = (node: ElkNode, origin: Point, depth: number) => {
    for (const child of node.children ?? []) {
      const at = { x: origin.x + (child.x ?? 0), y: origin.y + (child.y ?? 0) };
      absolute.set(child.id, at);
      const state = byId.get(child.id);
      if (state !== undefined) states.push({ state, ...at, width: child.width ?? 0, height: child.height ?? 0, depth });
      visit(child, at, depth + 1);
    }
  };
  visit(laid, { x: 0, y: 0 }, 0);

  const edges: PlacedEdge[] = [];
  const labelsOf = new Map(chart.edges.map((edge) => [edge.id, edge.labels]));
  const collect = (node: ElkNode) => {
    for (const edge of node.edges ?? []) {
      // ELK gives a hierarchical edge's coordinates relative to the node it placed the edge in.
      const container = (edge as { container?: string }).container ?? node.id;
      const origin = absolute.get(container) ?? { x: 0, y: 0 };
      const shift = (point: Point): Point => ({ x: origin.x + point.x, y: origin.y + point.y });
      const points = (edge.sections ?? []).flatMap((section) => [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(shift));
      edges.push({ id: edge.id, points, labels: labelsOf.get(edge.id) ?? [] });
    }
    for (const child of node.children ?? []) collect(child);
  };
  collect(laid);
  return { width: laid.width ?? 0, height: laid.height ?? 0, states, edges };
}
