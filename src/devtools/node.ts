/**
 * The Node entry of `wirestate/devtools`, chosen by the `node` export condition: everything of the
 * browser entry, plus {@link serveDevtools} (the panel on a local page, fed over a WebSocket) and
 * {@link recordSession} (bounded, rotating JSON-lines recordings the page replays).
 *
 * @packageDocumentation
 */
export * from './index.js';
export { serveDevtools, type ServeDevtoolsOptions, type DevtoolsServer } from './node/serve.js';
export { recordSession, type RecordSessionOptions, type SessionRecorder } from './node/record.js';
