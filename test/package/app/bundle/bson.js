import { createSession } from 'wirestate';
import { bson } from 'wirestate/bson';

export const session = createSession({ endpoint: 'wss://stream.example.com/ws', codecs: [bson(), 'json'] });
session.stream('btcusdt@trade').subscribe((trade) => console.log(trade));
