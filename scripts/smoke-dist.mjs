/* global console, fetch, URL */
// Checks the built package as a user gets it: the entries through the package's own exports map
// (imported, and required: the package is ESM only, which Node >= 20.19 loads from require with
// the same module instances), one real session against the reference server, and the devtools page.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const esm = await import('wirestate');
const cjs = require('wirestate');
const testing = await import('wirestate/testing');
const { msgpack } = await import('wirestate/msgpack');
const testingCjs = require('wirestate/testing');
const devtools = await import('wirestate/devtools');
const devtoolsCjs = require('wirestate/devtools');

for (const [name, entry] of Object.entries({ esm, cjs })) {
  if (typeof entry.createSession !== 'function') throw new Error(`${name} entry lacks createSession`);
}
if (typeof testingCjs.createTestServer !== 'function') throw new Error('cjs testing entry lacks createTestServer');
if (cjs.WirestateError !== esm.WirestateError) throw new Error('require and import gave two WirestateError classes');
for (const [name, entry] of Object.entries({ devtools, devtoolsCjs })) {
  for (const member of ['attachDevtools', 'serveDevtools', 'recordSession']) {
    if (typeof entry[member] !== 'function') throw new Error(`${name} entry lacks ${member}`);
  }
}
if (devtoolsCjs.serveDevtools !== devtools.serveDevtools) throw new Error('require and import gave two devtools modules');

const server = await testing.createTestServer();
const session = esm.createSession({ balancer: server.balancerUrl, codecs: [msgpack()] });
try {
  const answer = await session.request('ECHO', { smoke: true }, { timeoutMs: 5_000 });
  if (answer?.smoke !== true) throw new Error(`unexpected ECHO answer ${JSON.stringify(answer)}`);
  // The devtools page is served with the script the build put beside the devtools entry (required too).
  for (const entry of [devtools, devtoolsCjs]) {
    const page = await entry.serveDevtools(session, { port: 0 });
    try {
      const script = await fetch(new URL('devtools.js', page.url));
      const text = await script.text();
      if (script.status !== 200 || text.length < 100_000) throw new Error(`the devtools page script was not served (${script.status}, ${text.length} bytes)`);
    } finally {
      await page.close();
    }
  }
  console.log('dist smoke test: the entries load by import and require (one module instance); a session through the balancer answered ECHO; the devtools page is served');
} finally {
  await session.close();
  await server.close();
}
