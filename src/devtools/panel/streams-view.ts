/** The streams table: observers, state, last seq, message rate and gaps of every stream. */
import type { StreamView } from './model.js';
import { html, row } from './dom.js';

/** Most rows drawn: a bot with thousands of streams shows the busiest. */
const DRAWN_ROWS = 100;

/** Creates the streams table; `render` redraws it. */
export function createStreamsView(host: HTMLElement): { render(streams: ReadonlyMap<string, StreamView>): void } {
  const table = html('table', 'wsd-streams-table');
  const head = html('thead');
  head.append(row(['stream', 'observers', 'state', 'last seq', 'msg/s', 'gaps']));
  const body = html('tbody');
  const more = html('p', 'wsd-more');
  table.append(head, body);
  host.append(table, more);
  return {
    render(streams) {
      const sorted = [...streams.values()].sort((a, b) => b.rate - a.rate || a.name.localeCompare(b.name));
      body.replaceChildren(
        ...sorted.slice(0, DRAWN_ROWS).map((stream) => {
          const tr = row([stream.name, String(stream.observers), stream.state, stream.lastSeq === undefined ? '–' : String(stream.lastSeq), stream.rate.toFixed(1), String(stream.gaps)]);
          tr.dataset['stream'] = stream.name;
          tr.dataset['state'] = stream.state;
          return tr;
        }),
      );
      more.textContent = sorted.length > DRAWN_ROWS ? `${sorted.length - DRAWN_ROWS} more streams not shown` : '';
    },
  };
}
