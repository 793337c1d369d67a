/** The panel's stylesheet, scoped under `.wsd-panel` so that it neither leaks into the app nor depends on it. */
export const PANEL_CSS = `
.wsd-panel { --wsd-bg: #0f1419; --wsd-fg: #d7dde4; --wsd-dim: #7d8896; --wsd-line: #2a333d; --wsd-box: #18212b;
  --wsd-active: #f5b301; --wsd-last: #3fb6ff; --wsd-bad: #ff6b6b;
  font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--wsd-fg); background: var(--wsd-bg);
  border: 1px solid var(--wsd-line); border-radius: 6px; padding: 8px; box-sizing: border-box; display: flex; flex-direction: column; gap: 8px; }
.wsd-panel * { box-sizing: border-box; }
.wsd-header { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.wsd-header h2 { font-size: 13px; margin: 0; font-weight: 600; }
.wsd-badge { padding: 1px 8px; border-radius: 10px; background: var(--wsd-box); border: 1px solid var(--wsd-line); }
.wsd-badge[data-state="authorized"] { border-color: #2ea043; color: #56d364; }
.wsd-badge[data-state="reconnecting"], .wsd-badge[data-state="resuming"] { border-color: var(--wsd-active); color: var(--wsd-active); }
.wsd-badge[data-state="closed"] { border-color: var(--wsd-bad); color: var(--wsd-bad); }
.wsd-mode { color: var(--wsd-dim); }
.wsd-open { margin-left: auto; color: var(--wsd-dim); }
.wsd-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 8px; }
.wsd-section { border: 1px solid var(--wsd-line); border-radius: 4px; padding: 6px; min-width: 0; }
.wsd-section h3 { margin: 0 0 4px; font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--wsd-dim); font-weight: 600; }
.wsd-chart { grid-column: 1 / -1; overflow: auto; }
.wsd-chart-svg { display: block; width: 100%; height: auto; max-height: 70vh; }
.wsd-any-state { color: var(--wsd-dim); margin: 4px 0 0; }
.wsd-state rect { fill: var(--wsd-box); stroke: #3b4754; stroke-width: 1; }
.wsd-state.wsd-compound > rect:first-of-type { fill: rgba(255,255,255,.02); stroke-dasharray: 4 3; }
.wsd-state text { fill: var(--wsd-fg); font-size: 12px; }
.wsd-state .wsd-final-ring { fill: none; }
.wsd-state.wsd-active > rect:first-of-type { stroke: var(--wsd-active); stroke-width: 2.5; }
.wsd-state.wsd-active:not(.wsd-compound) > rect:first-of-type { fill: #3a2f08; }
.wsd-state.wsd-active > text { fill: var(--wsd-active); font-weight: 700; }
.wsd-edge-line { fill: none; stroke: #4c5968; stroke-width: 1; marker-end: url(#wsd-arrow); }
.wsd-arrowhead { fill: #4c5968; }
.wsd-arrowhead-last { fill: var(--wsd-last); }
.wsd-edge.wsd-last .wsd-edge-line { stroke: var(--wsd-last); stroke-width: 2.5; marker-end: url(#wsd-arrow-last); animation: wsd-flow 1s linear infinite; stroke-dasharray: 6 3; }
@keyframes wsd-flow { to { stroke-dashoffset: -18; } }
.wsd-context-list { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
.wsd-context-list dt { color: var(--wsd-dim); }
.wsd-context-list dd { margin: 0; overflow-wrap: anywhere; }
.wsd-panel table { border-collapse: collapse; width: 100%; }
.wsd-panel th, .wsd-panel td { text-align: left; padding: 1px 6px 1px 0; white-space: nowrap; border: 0; font: inherit; color: inherit; }
.wsd-panel thead td { color: var(--wsd-dim); border-bottom: 1px solid var(--wsd-line); }
.wsd-log { max-height: 260px; overflow: auto; grid-column: 1 / -1; }
.wsd-streams { max-height: 240px; overflow: auto; }
.wsd-log-error td { color: var(--wsd-bad); }
.wsd-log-gap td { color: var(--wsd-active); }
.wsd-log-table tbody tr:first-child td { color: var(--wsd-last); }
.wsd-more { color: var(--wsd-dim); margin: 2px 0 0; }
.wsd-replay { display: flex; gap: 8px; align-items: center; }
.wsd-replay[hidden] { display: none; }
.wsd-replay input[type=range] { flex: 1; }
.wsd-replay button, .wsd-header button { font: inherit; color: var(--wsd-fg); background: var(--wsd-box); border: 1px solid var(--wsd-line); border-radius: 4px; padding: 1px 8px; cursor: pointer; }
.wsd-error-text { color: var(--wsd-bad); }
`;
