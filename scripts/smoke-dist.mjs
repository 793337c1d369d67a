/* global console, fetch, URL */
// Checks the built package as a user gets it: both entries through the package's own exports map
// (ESM and CJS), and one real session against the reference server.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const esm = await import('wirestate');
const cjs = require('wirestate');
const testing = await import('wirestate/testing');
const testingCjs = require('wirestate/testing');
const devtools = await import('wirestate/devtools');
const devtoolsCjs = require('wirestate/devtools');

for (const [name, entry] of Object.entries({ esm, cjs })) {
  if (typeof entry.createSession !== 'function') throw new Error(`${name} entry lacks createSession`);
}
if (typeof testingCjs.createTestServer !== 'function') throw new Error('cjs testing entry lacks createTestServer');
for (const [name, entry] of Object.entries({ devtools, devtoolsCjs })) {
  for (const member of ['attachDevtools', 'serveDevtools', 'recordSession']) {
    if (typeof entry[member] !== 'function') throw new Error(`${name} entry lacks ${member}`);
  }
}

const server = await testing.createTestServer();
const session = esm.createSession({ balancer: server.balancerUrl, codecs: ['msgpack'] });
try {
  const answer = await session.request('ECHO', { smoke: true }, { timeoutMs: 5_000 });
  if (answer?.smoke !== true) throw new Error(`unexpected ECHO answer ${JSON.stringify(answer)}`);
  // The devtools page is served with the script the build put beside the devtools entry (CJS finds it too).
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
  console.log('dist smoke test: ESM and CJS entries load; a session through the balancer answered ECHO; the devtools page is served');
} finally {
  await session.close();
  await server.close();
}
