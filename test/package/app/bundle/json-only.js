import { createSession } from 'wirestate';

export const session = createSession({ endpoint: 'wss://stream.example.com/ws' });
session.stream('btcusdt@trade').subscribe((trade) => console.log(trade));
