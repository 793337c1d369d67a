import { afterEach } from 'vitest';
import { createTestServer } from '../../src/testing/index.js';
import type { TestServer, TestServerOptions } from '../../src/testing/index.js';
import { terminateAllClients } from './raw-client.js';

const servers: TestServer[] = [];

// Importing this module registers the cleanup for the importing test file.
afterEach(async () => {
  terminateAllClients();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Starts a test server closed (with every raw client) after the test. */
export async function start(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await createTestServer(options);
  servers.push(server);
  return server;
}
