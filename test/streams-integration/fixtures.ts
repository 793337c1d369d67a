import { plainStreams, type SessionOptions } from '../../src/node.js';
import type { TestServer, TestServerOptions } from '../../src/testing/index.js';
import { startServer } from '../helpers/session-harness.js';

/**
 * What the stream suites need to know about one wire dialect: how to start a server speaking it,
 * how to point a session at it, and which behaviours it has at all. Every suite runs once per
 * fixture (`describe.each(streamFixtures)`); a suite that needs a feature a dialect lacks (resume,
 * `seq`, refused names) filters the list with {@link withFeature}.
 *
 * To run the suites against another dialect, append its fixture to {@link streamFixtures}.
 */
export interface StreamsFixture {
  /** Shown in the test names. */
  readonly name: string;
  /** Starts a server (closed after the test by the harness). */
  startServer(options?: TestServerOptions): Promise<TestServer>;
  /** Options for a session against `server`; tests add their own on top. */
  sessionOptions(server: TestServer): SessionOptions;
  /** Method names of the subscribe and unsubscribe packets, as the server records them. */
  readonly methods: { readonly subscribe: string; readonly unsubscribe: string };
  /** Which behaviours the dialect has. */
  readonly features: StreamsFixtureFeatures;
}

/** The behaviours a suite may depend on. */
export interface StreamsFixtureFeatures {
  /** A dropped connection is resumed (same server session, missed messages replayed, nothing re-subscribed). */
  readonly resume: boolean;
  /** Stream messages carry a session-wide `seq`. */
  readonly seq: boolean;
  /** The server refuses names starting with `unknown` with a 404 that names them. */
  readonly refusesUnknownNames: boolean;
  /** `faults.restart()` closes with 1012 and the client starts a fresh session. */
  readonly restart: boolean;
}

/** The reference protocol (PROTOCOL.md) against the reference test server, through its balancer. */
export const referenceFixture: StreamsFixture = {
  name: 'reference',
  startServer: (options = {}) => startServer(options),
  sessionOptions: (server) => ({ balancer: server.balancerUrl }),
  methods: { subscribe: 'SUBSCRIBE', unsubscribe: 'UNSUBSCRIBE' },
  features: { resume: true, seq: true, refusesUnknownNames: true, restart: true },
};

/**
 * The plain-streams protocol (seed 003: no initialize, no resume, no `seq`) against the test
 * server's plain-streams dialect, at its fixed endpoint (such servers have no balancer). Every
 * reconnect is a fresh connection with a re-subscribe and a gap; the server accepts every name.
 */
export const plainStreamsFixture: StreamsFixture = {
  name: 'plain-streams',
  startServer: (options = {}) => startServer({ dialect: 'plain-streams', ...options }),
  // The test server's dialect answers SUBSCRIBE/UNSUBSCRIBE, which these suites need (refusals,
  // delayed answers); the unanswering seed-003 server is tried with the defaults in test/seeds.
  sessionOptions: (server) => ({ endpoint: server.endpointUrl, protocol: plainStreams({ acknowledgedSubscribes: true }) }),
  methods: { subscribe: 'SUBSCRIBE', unsubscribe: 'UNSUBSCRIBE' },
  features: { resume: false, seq: false, refusesUnknownNames: false, restart: true },
};

/** Every dialect the stream suites run against. */
export const streamFixtures: readonly StreamsFixture[] = [referenceFixture, plainStreamsFixture];

/** The fixtures whose dialect has `feature`. */
export function withFeature(feature: keyof StreamsFixtureFeatures): StreamsFixture[] {
  return streamFixtures.filter((fixture) => fixture.features[feature]);
}
