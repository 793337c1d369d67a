// A browser app offering JSON only, type-checked under bundler resolution with the DOM library.
import { map, type Observable } from 'rxjs';
import { createSession, type SessionSnapshot } from 'wirestate';

const session = createSession({ endpoint: 'wss://stream.example.com/ws' });
const titles: Observable<string> = session.state$.pipe(map((snapshot: SessionSnapshot) => `${snapshot.value} (${snapshot.attempt})`));
titles.subscribe((title) => (document.title = title));
session
  .stream<{ p: string }>('btcusdt@trade')
  .pipe(map((trade) => trade.p))
  .subscribe((price) => document.body.append(price));
void session.waitFor('reconnecting').then((snapshot) => console.log(snapshot.nextRetryAt));
