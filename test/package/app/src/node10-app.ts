// Old `moduleResolution: node10` (no exports map): the entries' types resolve through `types` and `typesVersions`.
import { createSession, type SessionOptions } from 'wirestate';
import { msgpack } from 'wirestate/msgpack';
import { bson } from 'wirestate/bson';
import { createTestServer, type TestServerOptions } from 'wirestate/testing';

const options: SessionOptions = { endpoint: 'ws://127.0.0.1:1/ws', codecs: [msgpack(), bson(), 'json'] };
const serverOptions: TestServerOptions = { heartbeatMs: 1_000 };
export const start = () => createTestServer(serverOptions).then(() => createSession(options));
