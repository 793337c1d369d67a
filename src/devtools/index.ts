/**
 * `wirestate/devtools`: a self-hosted state-chart devtools for sessions. In a browser,
 * {@link attachDevtools} draws the panel next to your app; in Node, the `node` export condition
 * adds `serveDevtools` (the same panel on a local page) and `recordSession` (JSON-lines
 * recordings the page replays). This browser entry imports neither `ws` nor a Node built-in.
 *
 * @packageDocumentation
 */
export { attachDevtools, type AttachDevtoolsOptions, type AttachedDevtools } from './attach.js';
export { createDevtoolsFeed, type DevtoolsFeed, type DevtoolsFeedOptions } from './feed.js';
export { createPanel, type DevtoolsPanel, type PanelOptions } from './panel/panel.js';
export { chartOf, activePaths, type ChartModel, type ChartState, type ChartEdge } from './chart.js';
export { parseRecording, encodeRecord, RecordingError } from './recording.js';
export { maskSecret } from './redact.js';
export type * from './records.js';
export { RECORD_FORMAT_VERSION } from './records.js';
