/* global console */
// Checks the built package as a user gets it: both entries through the package's own exports map
// (ESM and CJS), and one real session against the reference server.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const esm = await import('wirestate');
const cjs = require('wirestate');
const testing = await import('wirestate/testing');
const testingCjs = require('wirestate/testing');

for (const [name, entry] of Object.entries({ esm, cjs })) {
  if (typeof entry.createSession !== 'function') throw new Error(`${name} entry lacks createSession`);
}
if (typeof testingCjs.createTestServer !== 'function') throw new Error('cjs testing entry lacks createTestServer');

const server = await testing.createTestServer();
const session = esm.createSession({ balancer: server.balancerUrl, codecs: ['msgpack'] });
try {
  const answer = await session.request('ECHO', { smoke: true }, { timeoutMs: 5_000 });
  if (answer?.smoke !== true) throw new Error(`unexpected ECHO answer ${JSON.stringify(answer)}`);
  console.log('dist smoke test: ESM and CJS entries load; a session through the balancer answered ECHO');
} finally {
  await session.close();
  await server.close();
}
