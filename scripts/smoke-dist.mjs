/* global console */
// Checks the built package as a user gets it: the entries through the package's own exports map
// (imported, and required: the package is ESM only, which Node >= 20.19 loads from require with
// the same module instances), and one real session against the reference server.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const esm = await import('wirestate');
const cjs = require('wirestate');
const testing = await import('wirestate/testing');
const { msgpack } = await import('wirestate/msgpack');
const testingCjs = require('wirestate/testing');

for (const [name, entry] of Object.entries({ esm, cjs })) {
  if (typeof entry.createSession !== 'function') throw new Error(`${name} entry lacks createSession`);
}
if (typeof testingCjs.createTestServer !== 'function') throw new Error('cjs testing entry lacks createTestServer');
if (cjs.WirestateError !== esm.WirestateError) throw new Error('require and import gave two WirestateError classes');

const server = await testing.createTestServer();
const session = esm.createSession({ balancer: server.balancerUrl, codecs: [msgpack()] });
try {
  const answer = await session.request('ECHO', { smoke: true }, { timeoutMs: 5_000 });
  if (answer?.smoke !== true) throw new Error(`unexpected ECHO answer ${JSON.stringify(answer)}`);
  console.log('dist smoke test: the entries load by import and require (one module instance); a session through the balancer answered ECHO');
} finally {
  await session.close();
  await server.close();
}
