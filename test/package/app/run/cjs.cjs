// Node CommonJS: require() loads the ESM-only package (Node >= 20.19), with the same module
// instances as import(), so instanceof holds across both. Must exit by itself.
const { createSession, WirestateError, SessionClosedError } = require('wirestate');
const { createTestServer } = require('wirestate/testing');

async function main() {
  const server = await createTestServer({ heartbeatMs: 1_000 });
  const session = createSession({ balancer: server.balancerUrl });
  const answer = await session.request('ECHO', { hello: 'cjs' });
  await session.close();
  const late = await session.request('ECHO', {}).catch((error) => error);
  const imported = await import('wirestate');
  console.log(JSON.stringify({
    answer,
    sameClass: imported.WirestateError === WirestateError,
    instanceAcross: late instanceof imported.SessionClosedError && late instanceof SessionClosedError,
  }));
  await server.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
