/**
 * `wirestate/testing`: the reference test server (balancer + WebSocket endpoint speaking
 * docs/protocol.md, or the plain-streams dialect of docs/protocol.md section 9 with `dialect: 'plain-streams'`, with
 * inspection and fault injection) and a market-data simulator built on it.
 * Node only.
 *
 * @packageDocumentation
 */
export { createTestServer, TestServer } from './test-server.js';
export type { TestServerOptions, TestServerAuthOptions, TestServerDialect, MethodHandler, MethodContext } from './options.js';
export { TestServerFaults } from './faults.js';
export type { ConnectionTarget, RefusalMode } from './faults.js';
export type {
  BalancerRequestRecord,
  ConnectionInfo,
  DisconnectRecord,
  HandshakeOutcome,
  HandshakeRecord,
  ReceivedPacket,
  SessionEvent,
  SessionInfo,
  TestServerEvents,
  TestServerStats,
} from './records.js';
export { WaitTimeoutError } from './typed-events.js';
export { ECHO_METHOD, MethodError, SERVER_CLOSE_CODES, SERVER_ERROR_CODES } from './server-errors.js';
export { BALANCER_PATH } from '../constants.js';
export { SUPPORTED_VERSION } from './handshake.js';
export { DEFAULT_STREAM_NAME_PATTERN, UNKNOWN_STREAM_PREFIX, isDefaultStreamName } from './stream-names.js';
export type { StreamNameRule } from './stream-names.js';
export { startMarketSimulator } from './market-simulator.js';
export type { MarketSimulator, MarketSimulatorOptions } from './market-simulator.js';
export type { DepthPayload, TradePayload } from './market-data.js';
