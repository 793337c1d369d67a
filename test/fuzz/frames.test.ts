import fc from 'fast-check';
import { firstValueFrom, filter, take, timeout, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecFactory, createCodec } from '../../src/codecs/index.js';
import { createSession, referenceProtocol, WirestateError, type CodecName, type Session } from '../../src/node.js';
import { createTestServer, type TestServer } from '../../src/testing/index.js';
import { fuzzParameters, fuzzRuns, fuzzTimeout } from './config.js';
import { PACKET_KEYS } from './machine-commands.js';
import { describeFrame } from './machine-harness.js';
import { until } from './server-harness.js';

/**
 * Decoders and the packet classifier under arbitrary frames, through a live session: the reference
 * server sends fc-generated frames (`faults.sendGarbage`) to a session of each codec. Whatever
 * arrives, nothing throws, every frame that is no packet is reported as a typed error on errors$,
 * and the session stays up on the same connection: requests are answered, streams flow.
 */

const CODECS: readonly CodecName[] = ['json', 'msgpack', 'bson'];
const STREAM = 'btcusdt@trade';
const protocol = referenceProtocol();

interface Client {
  readonly codec: CodecName;
  readonly session: Session;
  readonly errors: unknown[];
  readonly received: unknown[];
}

/** Object packets near real ones; stream messages and small ids are left out: they would be delivered or answer the session's own requests. */
function packetLike(codec: CodecName): fc.Arbitrary<string | Uint8Array> {
  const encoder = createCodec(codec);
  return fc
    .dictionary(fc.constantFrom(...PACKET_KEYS), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.integer({ min: -2, max: 2 ** 40 })), { maxKeys: 4 })
    .filter((packet) => !('stream' in packet) && !(typeof packet.id === 'number' && packet.id < 1_000_000))
    .map((packet) => encoder.encode(packet));
}

/** Any frame at all: text, bytes, and for the binary codecs byte strings that start like a real document. */
function anyFrame(codec: CodecName): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.uint8Array({ maxLength: 60 }),
    fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
    packetLike(codec),
  );
}

/** Whether the session must report `frame` on errors$: it does not decode with the codec, or is no packet. */
function needsError(codec: CodecName, frame: string | Uint8Array): boolean {
  const decoded = createCodec(codec).decode(frame);
  return !decoded.ok || protocol.classify(decoded.value).kind === 'unknown';
}

let server: TestServer;
const clients: Client[] = [];

beforeAll(async () => {
  server = await createTestServer({ heartbeatMs: 5_000 });
  for (const codec of CODECS) {
    const session = createSession({ balancer: server.balancerUrl, codecs: [codecFactory(codec)], lazy: false });
    const client: Client = { codec, session, errors: [], received: [] };
    session.errors$.subscribe((error) => client.errors.push(error));
    session.stream(STREAM).subscribe((message) => client.received.push(message));
    clients.push(client);
  }
  await until(() => server.sessions().filter((held) => held.subscriptions.includes(STREAM)).length === CODECS.length, 5_000);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.session.close()));
  await server.close();
});

function connectionOf(client: Client): string {
  const sessionId = client.session.actor.getSnapshot().context.sessionId;
  const connection = server.connections().find((candidate) => candidate.sessionId === sessionId);
  if (connection === undefined) throw new Error(`no server connection for the ${client.codec} session`);
  return connection.connectionId;
}

describe('decoders and the classifier under arbitrary frames, through a live session', () => {
  const runs = fuzzRuns(40);
  for (const codec of CODECS) {
    it(
      `${codec}: no crash, a typed error for every frame that is no packet, same connection, requests and streams go on`,
      async () => {
        const client = clients.find((candidate) => candidate.codec === codec);
        if (client === undefined) throw new Error('no client');
        let marker = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(anyFrame(codec), { minLength: 1, maxLength: 5 }), async (frames) => {
            const connectionId = connectionOf(client);
            const handshakes = server.handshakes().length;
            const errorsBefore = client.errors.length;
            const owed = frames.filter((frame) => needsError(codec, frame)).length;
            for (const frame of frames) server.faults.sendGarbage(connectionId, frame);
            // A request and a stream message after the frames prove the connection still works.
            const payload = { marker: ++marker };
            const echoed = await client.session.request('ECHO', payload, { timeoutMs: 2_000 });
            expect(echoed).toEqual(payload);
            const delivered = firstValueFrom(
              client.session.stream<{ marker: number }>(STREAM).pipe(
                filter((message) => message.marker === payload.marker),
                take(1),
                toArray(),
                timeout(2_000),
              ),
            );
            server.publish(STREAM, payload);
            await delivered;
            const reported = await until(() => client.errors.length - errorsBefore >= owed, 1_000);
            const newErrors = client.errors.slice(errorsBefore);
            if (!reported) throw new Error(`${owed} frame(s) needed an error, ${newErrors.length} reported: ${frames.map(describeFrame).join(' ')}`);
            for (const error of newErrors) expect(error).toBeInstanceOf(WirestateError);
            expect(connectionOf(client)).toBe(connectionId);
            expect(server.handshakes()).toHaveLength(handshakes);
            expect(client.session.actor.getSnapshot().value).toMatchObject({ connection: { authorized: expect.any(String) } });
          }),
          fuzzParameters(40),
        );
      },
      fuzzTimeout(runs, 100),
    );
  }
});
