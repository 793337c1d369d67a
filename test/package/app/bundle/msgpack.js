import { createSession } from 'wirestate';
import { msgpack } from 'wirestate/msgpack';

export const session = createSession({ endpoint: 'wss://stream.example.com/ws', codecs: [msgpack(), 'json'] });
session.stream('btcusdt@trade').subscribe((trade) => console.log(trade));
