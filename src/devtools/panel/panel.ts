/**
 * The devtools panel: chart, context, streams and event log, drawn into an element from
 * devtools records. It knows nothing of sessions: `attachDevtools` feeds it from a session in the
 * same page, the served page from a WebSocket, and a replay from a recording.
 */
import type { ChartModel } from '../chart.js';
import type { DevtoolsRecord } from '../records.js';
import { parseRecording } from '../recording.js';
import { createChartView, type ChartView } from './chart-view.js';
import { createContextView } from './context-view.js';
import { clockTime, html } from './dom.js';
import { createLogView } from './log-view.js';
import { PanelModel } from './model.js';
import { Replay } from './replay.js';
import { createStreamsView } from './streams-view.js';
import { PANEL_CSS } from './styles.js';

/** Options of {@link createPanel}. */
export interface PanelOptions {
  /** Shown in the panel's header. @default 'wirestate devtools' */
  readonly title?: string;
  /** Whether the header offers to open a recording file. @default true */
  readonly openRecordings?: boolean;
}

/** A panel drawn into an element. */
export interface DevtoolsPanel {
  /** The panel's root element (inside the element it was created in). */
  readonly element: HTMLElement;
  /** Applies a live record. */
  apply(record: DevtoolsRecord): void;
  /** Shows a recording, with a time slider; live records keep being applied in the background. */
  replay(records: readonly DevtoolsRecord[], name?: string): void;
  /** Shows the live picture again after a replay. */
  showLive(): void;
  /** Resolves once the current chart is laid out and drawn. */
  whenDrawn(): Promise<void>;
  /** Removes the panel and its timers. */
  destroy(): void;
}

const RENDER_DELAY_MS = 40;
const COUNTDOWN_TICK_MS = 250;

/** Draws a panel into `host` and returns the handle that feeds it. */
export function createPanel(host: HTMLElement, options: PanelOptions = {}): DevtoolsPanel {
  const root = html('div', 'wsd-panel');
  const style = html('style', undefined, PANEL_CSS);
  const header = html('header', 'wsd-header');
  const badge = html('span', 'wsd-badge wsd-current-state', '–');
  const mode = html('span', 'wsd-mode', 'live');
  const liveButton = html('button', 'wsd-live-button', 'back to live');
  liveButton.type = 'button';
  liveButton.hidden = true;
  header.append(html('h2', undefined, options.title ?? 'wirestate devtools'), badge, mode, liveButton);
  const problem = html('span', 'wsd-error-text');
  if (options.openRecordings ?? true) {
    const open = html('label', 'wsd-open', 'open recording ');
    const input = html('input', 'wsd-open-input');
    input.type = 'file';
    input.multiple = true;
    input.accept = '.jsonl,.ndjson,.log,.json,text/plain';
    input.addEventListener('change', () => void openFiles([...(input.files ?? [])]));
    open.append(input);
    header.append(open);
  }
  header.append(problem);

  const section = (className: string, title: string) => {
    const element = html('section', `wsd-section ${className}`);
    element.append(html('h3', undefined, title));
    return element;
  };
  const chartSection = section('wsd-chart', 'state chart');
  const chartHost = html('div', 'wsd-chart-host', 'laying out the chart…');
  const anyState = html('p', 'wsd-any-state');
  chartSection.append(chartHost, anyState);
  const contextSection = section('wsd-context', 'context');
  const streamsSection = section('wsd-streams', 'streams');
  const logSection = section('wsd-log', 'event log');
  const grid = html('div', 'wsd-grid');
  grid.append(chartSection, contextSection, streamsSection, logSection);

  const replayBar = html('footer', 'wsd-replay');
  replayBar.hidden = true;
  const previous = html('button', 'wsd-step-back', '◀');
  const next = html('button', 'wsd-step-forward', '▶');
  previous.type = next.type = 'button';
  previous.title = 'previous transition';
  next.title = 'next transition';
  const slider = html('input', 'wsd-slider');
  slider.type = 'range';
  slider.step = '1';
  const sliderTime = html('span', 'wsd-slider-time');
  replayBar.append(previous, slider, next, sliderTime);

  root.append(style, header, grid, replayBar);
  host.append(root);

  const contextView = createContextView(contextSection);
  const streamsView = createStreamsView(streamsSection);
  const logView = createLogView(logSection);
  let chartView: ChartView | undefined;
  let drawnChart: string | undefined;

  const live = new PanelModel();
  let replay: Replay | undefined;
  let replayIndex = 0;
  let renderTimer: ReturnType<typeof setTimeout> | undefined;

  const shown = (): { model: PanelModel; now: number } => {
    if (replay === undefined) return { model: live, now: Date.now() };
    const model = replay.after(replayIndex);
    return { model, now: model.t };
  };

  function ensureChart(chart: ChartModel | undefined): void {
    if (chart === undefined) return;
    const key = JSON.stringify(chart);
    if (key === drawnChart) return;
    drawnChart = key;
    chartView = createChartView(chartHost, chart);
    chartView.ready.catch((error: unknown) => {
      chartHost.textContent = `The chart could not be laid out: ${error instanceof Error ? error.message : String(error)}`;
    });
    anyState.textContent = chart.anyState.length > 0 ? `in any state: ${chart.anyState.join('; ')}` : '';
  }

  function render(): void {
    renderTimer = undefined;
    const { model, now } = shown();
    ensureChart(model.chart);
    chartView?.highlight(model.state, model.lastEdges);
    const top = model.value || '–';
    badge.textContent = top;
    badge.dataset['state'] = top;
    contextView.render(model.state, model.context, now);
    streamsView.render(model.streams);
    logView.render(model.log);
    if (replay !== undefined) sliderTime.textContent = `${clockTime(now)} (+${((now - replay.start) / 1_000).toFixed(1)} s of ${((replay.end - replay.start) / 1_000).toFixed(1)} s)`;
  }
  const scheduleRender = () => {
    renderTimer ??= setTimeout(render, RENDER_DELAY_MS);
  };
  const countdown = setInterval(() => {
    if (replay === undefined && live.context?.nextRetryAt !== undefined) scheduleRender();
  }, COUNTDOWN_TICK_MS);

  function showRecord(index: number): void {
    if (replay === undefined) return;
    replayIndex = index;
    slider.value = String(replay.records[index]?.t ?? replay.start);
    render();
  }
  slider.addEventListener('input', () => {
    if (replay !== undefined) showRecord(replay.indexAt(Number(slider.value)));
  });
  const step = (direction: 1 | -1) => {
    const target = replay?.step(replayIndex, direction);
    if (target !== undefined) showRecord(target);
  };
  previous.addEventListener('click', () => step(-1));
  next.addEventListener('click', () => step(1));

  function showReplay(records: readonly DevtoolsRecord[], name?: string): void {
    replay = new Replay(records);
    slider.min = String(replay.start);
    slider.max = String(replay.end);
    replayBar.hidden = false;
    liveButton.hidden = live.chart === undefined;
    mode.textContent = `replay${name === undefined ? '' : ` of ${name}`}`;
    problem.textContent = '';
    showRecord(0);
  }

  async function openFiles(files: File[]): Promise<void> {
    try {
      const texts = await Promise.all(files.map(async (file) => ({ name: file.name, records: parseRecording(await file.text()) })));
      // The files of a rotated recording, oldest first.
      texts.sort((a, b) => (a.records[0]?.t ?? 0) - (b.records[0]?.t ?? 0));
      showReplay(
        texts.flatMap((text) => text.records),
        texts.map((text) => text.name).join(', '),
      );
    } catch (error) {
      problem.textContent = error instanceof Error ? error.message : String(error);
    }
  }

  function showLive(): void {
    replay = undefined;
    replayBar.hidden = true;
    liveButton.hidden = true;
    mode.textContent = 'live';
    render();
  }
  liveButton.addEventListener('click', showLive);

  return {
    element: root,
    apply(record) {
      live.apply(record);
      if (replay !== undefined) return;
      // Every step of the machine is drawn, however quick; samples and errors are drawn together.
      if (record.type === 'transition' || record.type === 'hello') {
        if (renderTimer !== undefined) clearTimeout(renderTimer);
        render();
      } else scheduleRender();
    },
    replay: showReplay,
    showLive,
    async whenDrawn() {
      if (renderTimer !== undefined) render();
      await chartView?.ready;
    },
    destroy() {
      clearInterval(countdown);
      if (renderTimer !== undefined) clearTimeout(renderTimer);
      root.remove();
    },
  };
}
