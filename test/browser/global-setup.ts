/**
 * Global setup of the browser suite, run in Node before the browser starts: the reference servers
 * the tests connect to with the browser's own WebSocket, and the control endpoint through which
 * they publish and inject faults. Their URLs reach the tests through `provide`/`inject`.
 */
import type { TestProject } from 'vitest/node';
import { createTestServer, type TestServer } from '../../src/testing/index.js';
import { startControlServer } from './control-server.js';
import { BROWSER_PASSWORD, BROWSER_TOKEN, BROWSER_USER, GATEWAY_IDLE_MS, type BrowserServerName } from './fixtures.js';

/** Short timings, as in the Node suite: a resume window long enough for a test, heartbeats that do not idle. */
const TIMINGS = { heartbeatMs: 1_000, initTimeoutMs: 2_000, resumeWindowMs: 5_000 } as const;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = new Map<BrowserServerName, TestServer>();
  try {
    servers.set('open', await createTestServer(TIMINGS));
    servers.set('token', await createTestServer({ ...TIMINGS, auth: { tokens: [BROWSER_TOKEN] } }));
    servers.set('password', await createTestServer({ ...TIMINGS, auth: { users: { [BROWSER_USER]: BROWSER_PASSWORD } } }));
    servers.set('gateway', await createTestServer({ ...TIMINGS, idleTimeoutMs: GATEWAY_IDLE_MS }));
  } catch (error) {
    await Promise.all([...servers.values()].map((server) => server.close()));
    throw error;
  }
  const control = await startControlServer(servers);
  const urls = (name: BrowserServerName) => {
    const server = servers.get(name) as TestServer;
    return { balancerUrl: server.balancerUrl, endpointUrl: server.endpointUrl };
  };
  project.provide('wirestate', {
    servers: { open: urls('open'), token: urls('token'), password: urls('password'), gateway: urls('gateway') },
    controlUrl: control.url,
  });
  return async () => {
    await control.close();
    await Promise.all([...servers.values()].map((server) => server.close()));
  };
}
