// A Node app's use of every entry, type-checked under node16 (ESM) and bundler resolution.
import { filter, firstValueFrom, map } from 'rxjs';
import type { SnapshotFrom } from 'xstate';
import { createSession, WirestateError, type Session, type SessionActor, type SessionSnapshot } from 'wirestate';
import { bson } from 'wirestate/bson';
import { msgpack } from 'wirestate/msgpack';
import { createTestServer, type TradePayload } from 'wirestate/testing';

interface Trade {
  readonly p: string;
}

const server = await createTestServer({ heartbeatMs: 1_000 });
const session: Session = createSession({ balancer: server.balancerUrl, codecs: [msgpack(), 'json', bson()], logger: console });
const prices = session.stream<Trade>('btcusdt@trade').pipe(map((trade) => Number(trade.p)));
const authorized: Promise<SessionSnapshot> = firstValueFrom(session.state$.pipe(filter((snapshot) => snapshot.value === 'authorized')));
const ready: SessionSnapshot = await session.ready({ timeoutMs: 5_000, signal: AbortSignal.timeout(10_000) });
const actor: SessionActor = session.actor;
const machineSnapshot: SnapshotFrom<typeof actor.logic> = actor.getSnapshot();
const trade: TradePayload | undefined = undefined;
console.log(ready.codec, machineSnapshot.status, trade, await authorized, prices);
try {
  await session.request('ECHO', { hello: 1 });
} catch (error) {
  if (error instanceof WirestateError) console.log(error.code);
}
await session.close();
await server.close();
