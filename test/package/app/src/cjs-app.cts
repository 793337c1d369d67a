// A CommonJS TypeScript file: with `module: nodenext` (TypeScript >= 5.8) it may require the ESM-only package.
import { createSession, WirestateError } from 'wirestate';
import { createTestServer } from 'wirestate/testing';

export async function main(): Promise<boolean> {
  const server = await createTestServer();
  const session = createSession({ balancer: server.balancerUrl });
  const answer = await session.request<{ a: number }>('ECHO', { a: 1 });
  await session.close();
  await server.close();
  return answer.a === 1 && !(answer instanceof WirestateError);
}
