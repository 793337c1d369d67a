// Node ESM: a session through the test server's balancer, MessagePack from its subpath, the app's
// own rxjs operators on the session's streams. Must exit by itself once everything is closed.
import { firstValueFrom, map, take, toArray } from 'rxjs';
import { createSession, WirestateError } from 'wirestate';
import { msgpack } from 'wirestate/msgpack';
import { createTestServer } from 'wirestate/testing';

const server = await createTestServer({ heartbeatMs: 1_000 });
const session = createSession({ balancer: server.balancerUrl, codecs: [msgpack(), 'json'] });
const received = firstValueFrom(session.stream('btcusdt@trade').pipe(map((data) => data.n), take(2), toArray()));
const ready = await session.ready({ timeoutMs: 10_000 });
// Bounded wait for the subscribe to reach the server, so the publishes below are not missed.
for (let deadline = Date.now() + 5_000; !server.hasSubscribers('btcusdt@trade') && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 5));
server.publish('btcusdt@trade', { n: 1 });
server.publish('btcusdt@trade', { n: 2 });
const answer = await session.request('ECHO', { hello: 'esm' });
console.log(JSON.stringify({ codec: ready.codec, answer, numbers: await received, typed: new WirestateError('options', 'x') instanceof Error }));
await session.close();
await server.close();
