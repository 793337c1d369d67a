/**
 * The page's view: plain DOM updates, no framework. Everything here is a function of the data it is
 * given, so main.ts reads as the wiring of observables to these functions.
 */
import type { SessionSnapshot } from '../../../src/index.js';

/** The latest trade of one symbol, and how many the page has seen. */
export interface TradeRow {
  readonly symbol: string;
  readonly price: string;
  readonly quantity: string;
  /** The buyer was the maker: the aggressor sold. */
  readonly buyerIsMaker: boolean;
  readonly time: number;
  readonly count: number;
}

/** How many transitions the log keeps. */
const MAX_TRANSITIONS = 20;

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`The page has no #${id}.`);
  return found as T;
}

function clock(time: number): string {
  const date = new Date(time);
  return `${date.toLocaleTimeString('en-GB', { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** Shows the session's snapshot in the session panel. */
export function renderSession(snapshot: SessionSnapshot, now = Date.now()): void {
  const state = element('state');
  state.textContent = snapshot.value;
  state.dataset['state'] = snapshot.value;
  element('attempt').textContent = String(snapshot.attempt);
  element('next-retry').textContent = snapshot.nextRetryAt === undefined ? '–' : `in ${Math.max(0, snapshot.nextRetryAt - now)} ms`;
  element('codec').textContent = snapshot.codec ?? '–';
  element('resumed').textContent = snapshot.sessionId === undefined ? '–' : snapshot.resumed ? 'yes' : 'no (fresh session)';
  const lastClose = snapshot.lastClose;
  element('last-close').textContent = lastClose === undefined ? '–' : `${lastClose.code}${lastClose.reason === '' ? '' : ` ${lastClose.reason}`}`;
  element('endpoint').textContent = snapshot.endpoint ?? '–';
  element('location').textContent = snapshot.location ?? '–';
  element('session-id').textContent = snapshot.sessionId ?? '–';
}

/** Adds a line to the transitions log, newest first. */
export function logTransition(snapshot: SessionSnapshot, time = Date.now()): void {
  const list = element<HTMLOListElement>('transitions');
  const item = document.createElement('li');
  item.dataset['state'] = snapshot.value;
  item.textContent = `${clock(time)} ${snapshot.value}${snapshot.attempt > 0 ? ` (attempt ${snapshot.attempt})` : ''}`;
  list.prepend(item);
  while (list.children.length > MAX_TRANSITIONS) list.lastElementChild?.remove();
}

/** Replaces the trades table's body with one row per symbol, in the order given. */
export function renderTrades(rows: Iterable<TradeRow>): void {
  const body = element<HTMLTableElement>('trades').tBodies[0];
  if (body === undefined) return;
  const fragment = document.createDocumentFragment();
  for (const row of rows) {
    const tr = document.createElement('tr');
    tr.dataset['symbol'] = row.symbol;
    const side = row.buyerIsMaker ? 'sell' : 'buy';
    const cells: Array<[string, string?]> = [
      [row.symbol],
      [row.price, side],
      [row.quantity],
      [side, side],
      [clock(row.time)],
      [String(row.count)],
    ];
    for (const [text, className] of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      if (className !== undefined) td.className = className;
      tr.append(td);
    }
    fragment.append(tr);
  }
  body.replaceChildren(fragment);
}

/** Shows (or, with undefined, hides) a message above the panels. */
export function showNotice(text: string | undefined, id: 'notice' | 'gaps' = 'notice'): void {
  const notice = element(id);
  notice.hidden = text === undefined;
  notice.textContent = text ?? '';
}

/** Shows whether this tab leads a shared session or follows it. */
export function showRole(role: string): void {
  const element = document.querySelector('#role');
  if (element !== null && element.textContent !== role) element.textContent = role;
}
