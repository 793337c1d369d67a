import type { Session } from '../session.js';
import { createDevtoolsFeed, type DevtoolsFeedOptions } from './feed.js';
import { createPanel, type DevtoolsPanel, type PanelOptions } from './panel/panel.js';

/** Options of {@link attachDevtools}: the panel's and the feed's. */
export interface AttachDevtoolsOptions extends PanelOptions, DevtoolsFeedOptions {}

/** A panel attached to a session. */
export interface AttachedDevtools {
  /** The panel (for example to replay a recording in it, or to wait until its chart is drawn). */
  readonly panel: DevtoolsPanel;
  /** Stops listening to the session and removes the panel. */
  detach(): void;
}

/**
 * Draws the devtools panel for `session` into `element`: the state chart of the session's own
 * machine (laid out by ELK) with the active states highlighted and the last transition marked, a
 * live event log, the context (secrets redacted) and a table of the session's streams. The panel
 * can also open a recording written by `recordSession` and replay it with a time slider.
 *
 * Import it from `wirestate/devtools`: apps that do not import that subpath do not bundle it.
 *
 * @example
 * ```ts
 * import { createSession } from 'wirestate';
 * import { attachDevtools } from 'wirestate/devtools';
 *
 * const session = createSession({ balancer: 'https://api.example.com' });
 * const devtools = attachDevtools(session, document.getElementById('devtools')!);
 * // later
 * devtools.detach();
 * ```
 */
export function attachDevtools(session: Session, element: HTMLElement, options: AttachDevtoolsOptions = {}): AttachedDevtools {
  const feed = createDevtoolsFeed(session, options);
  const panel = createPanel(element, options);
  panel.apply(feed.hello());
  const stop = feed.subscribe((record) => panel.apply(record));
  return {
    panel,
    detach() {
      stop();
      panel.destroy();
    },
  };
}
