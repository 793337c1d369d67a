/**
 * Draws the laid-out chart as SVG and marks the active states and the last transition. Drawing
 * happens once per chart; a state change only toggles classes.
 */
import type { ChartModel } from '../chart.js';
import { svg } from './dom.js';
import { layoutChart, type ChartLayout } from './layout.js';

/** The chart part of the panel. */
export interface ChartView {
  /** Resolves once the chart is laid out and drawn. */
  readonly ready: Promise<void>;
  /** Marks `active` states and the `lastEdges` of the latest transition. */
  highlight(active: readonly string[], lastEdges: readonly string[]): void;
}

function pathOf(points: ChartLayout['edges'][number]['points']): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' ');
}

/** Lays out and draws `chart` into `host`. */
export function createChartView(host: HTMLElement, chart: ChartModel): ChartView {
  const stateElements = new Map<string, SVGGElement>();
  const edgeElements = new Map<string, SVGGElement>();
  let pending: { active: readonly string[]; lastEdges: readonly string[] } | undefined;

  const apply = (active: readonly string[], lastEdges: readonly string[]) => {
    const on = new Set(active);
    for (const [id, element] of stateElements) element.classList.toggle('wsd-active', on.has(id));
    const last = new Set(lastEdges);
    for (const [id, element] of edgeElements) element.classList.toggle('wsd-last', last.has(id));
  };

  const ready = layoutChart(chart).then((layout) => {
    const margin = 8;
    const root = svg('svg', {
      class: 'wsd-chart-svg',
      viewBox: `${-margin} ${-margin} ${layout.width + 2 * margin} ${layout.height + 2 * margin}`,
      role: 'img',
      'aria-label': `State chart of the ${chart.machine} machine`,
    });
    const defs = svg('defs');
    for (const [id, className] of [['wsd-arrow', 'wsd-arrowhead'], ['wsd-arrow-last', 'wsd-arrowhead wsd-arrowhead-last']] as const) {
      const marker = svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
      marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', class: className }));
      defs.append(marker);
    }
    root.append(defs);

    // Outer states first, so that nested ones are drawn on top of them; edges last, over every box.
    for (const placed of [...layout.states].sort((a, b) => a.depth - b.depth)) {
      const group = svg('g', { class: `wsd-state wsd-${placed.state.type}`, 'data-state': placed.state.id });
      const compound = chart.states.some((other) => other.parent === placed.state.id);
      group.append(svg('rect', { x: placed.x, y: placed.y, width: placed.width, height: placed.height, rx: compound ? 8 : 6 }));
      const title = svg('text', compound ? { x: placed.x + 10, y: placed.y + 16 } : { x: placed.x + placed.width / 2, y: placed.y + placed.height / 2 + 4, 'text-anchor': 'middle' });
      title.textContent = placed.state.key;
      group.append(title);
      if (placed.state.type === 'final') {
        group.append(svg('rect', { x: placed.x + 3, y: placed.y + 3, width: placed.width - 6, height: placed.height - 6, rx: 4, class: 'wsd-final-ring' }));
      }
      const tooltip = svg('title');
      tooltip.textContent = `${placed.state.id}${placed.state.invokes.length > 0 ? `\ninvokes ${placed.state.invokes.join(', ')}` : ''}`;
      group.append(tooltip);
      stateElements.set(placed.state.id, group);
      root.append(group);
    }
    for (const edge of layout.edges) {
      const group = svg('g', { class: 'wsd-edge', 'data-edge': edge.id });
      group.append(svg('path', { d: pathOf(edge.points), class: 'wsd-edge-line' }));
      const tooltip = svg('title');
      tooltip.textContent = `${edge.id}\n${edge.labels.join('\n')}`;
      group.append(tooltip);
      edgeElements.set(edge.id, group);
      root.append(group);
    }
    host.replaceChildren(root);
    if (pending !== undefined) apply(pending.active, pending.lastEdges);
  });

  return {
    ready,
    highlight(active, lastEdges) {
      pending = { active, lastEdges };
      if (stateElements.size > 0) apply(active, lastEdges);
    },
  };
}
