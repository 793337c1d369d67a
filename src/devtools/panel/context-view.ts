/** The context part of the panel: what a person asks first about a connection. Every value arrives redacted. */
import type { DevtoolsContext } from '../records.js';
import { html } from './dom.js';

const FIELDS = ['state', 'attempt', 'next retry', 'codec', 'location', 'endpoint', 'session id', 'connection id', 'Resume-Id', 'resumed', 'last close', 'closed', 'last error'] as const;
type Field = (typeof FIELDS)[number];

function closeText(close: { code: number; reason: string } | undefined): string {
  if (close === undefined) return '–';
  return close.reason === '' ? String(close.code) : `${close.code} ${close.reason}`;
}

/** The text of each field, at time `now` (the countdown runs against it). */
export function contextFields(state: readonly string[], context: DevtoolsContext | undefined, now: number): Record<Field, string> {
  const retryIn = context?.nextRetryAt === undefined ? undefined : Math.max(0, context.nextRetryAt - now);
  return {
    state: state.filter((path) => !state.some((other) => other.startsWith(`${path}.`))).join(', ') || '–',
    attempt: String(context?.attempt ?? 0),
    'next retry': retryIn === undefined ? '–' : `in ${(retryIn / 1_000).toFixed(1)} s${context?.retryDelayMs === undefined ? '' : ` (delay ${context.retryDelayMs} ms)`}`,
    codec: context?.codec ?? '–',
    location: context?.location ?? '–',
    endpoint: context?.endpoint ?? '–',
    'session id': context?.sessionId ?? '–',
    'connection id': context?.connectionId ?? '–',
    'Resume-Id': context?.resumeId ?? '–',
    resumed: context === undefined ? '–' : context.resumed ? 'yes' : 'no',
    'last close': closeText(context?.lastClose),
    closed: context?.closed === undefined ? '–' : `${closeText(context.closed)}${context.closed.clientRequested === true ? ' (by close())' : ''}`,
    'last error': context?.lastError === undefined ? '–' : `${context.lastError.code}: ${context.lastError.message}`,
  };
}

/** Creates the context list; `render` fills it. */
export function createContextView(host: HTMLElement): { render(state: readonly string[], context: DevtoolsContext | undefined, now: number): void } {
  const list = html('dl', 'wsd-context-list');
  const values = new Map<Field, HTMLElement>();
  for (const field of FIELDS) {
    const value = html('dd', undefined, '–');
    value.dataset['field'] = field;
    values.set(field, value);
    list.append(html('dt', undefined, field), value);
  }
  host.append(list);
  return {
    render(state, context, now) {
      const fields = contextFields(state, context, now);
      for (const field of FIELDS) {
        const element = values.get(field) as HTMLElement;
        if (element.textContent !== fields[field]) element.textContent = fields[field];
      }
    },
  };
}
