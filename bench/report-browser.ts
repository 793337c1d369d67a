/** The Chromium section of docs/benchmarks.md, from bench/browser.ts's results. */
import type { BrowserResult, BrowserRun } from './browser.js';
import { mark, table } from './markdown.js';
import { formatInteger, formatRatio, median, runByRunRatios } from './stats.js';

/** wirestate's rate in Chromium, as a share of the raw client's. */
export const TARGET_BROWSER_RATIO = 0.9;

function medianOf(runs: readonly BrowserRun[], field: keyof BrowserRun): number {
  return median(runs.map((run) => run[field]));
}

/** `0.97x (0.88x-1.05x)`: the median of the run-by-run ratios and their range. */
function ratioWithRange(ratios: readonly number[]): string {
  return `${formatRatio(median(ratios))} (${formatRatio(Math.min(...ratios))}-${formatRatio(Math.max(...ratios))})`;
}

const milliseconds = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;
const percent = (share: number) => `${(share * 100).toFixed(0)}%`;

/** The median share of the drain during which the page's main thread was busy. */
function busyShare(runs: readonly BrowserRun[]): number {
  return median(runs.map((run) => (run.busyUs * run.rate) / 1e6));
}

/**
 * The section's lines (none when the section did not run); pushes its target onto `targets`.
 * `messageBytes` is the size of one JSON trade with its envelope.
 */
export function browserSection(result: BrowserResult | undefined, messageBytes: number, targets: string[]): string[] {
  if (result === undefined) return [];
  const { raw, wirestate } = result.runs;
  const rateRatios = runByRunRatios(
    wirestate.map((run) => run.rate),
    raw.map((run) => run.rate),
  );
  // Inverted, so that it reads like the rate's: above 1x, wirestate keeps the main thread busy for less.
  const busyRatios = runByRunRatios(
    raw.map((run) => run.busyUs),
    wirestate.map((run) => run.busyUs),
  );
  const rateRatio = median(rateRatios);
  targets.push(`wirestate ≥ ${TARGET_BROWSER_RATIO}x raw WebSocket in Chromium: ${formatRatio(rateRatio)}, ${mark(rateRatio >= TARGET_BROWSER_RATIO)}`);
  const both = [...raw, ...wirestate];
  const { streams, count, runs } = result.options;
  return [
    '## Throughput in Chromium: native WebSocket',
    '',
    `Chromium ${result.chromium} (headless), one page: a raw \`WebSocket\` + \`JSON.parse\` + \`Map\` client against a`,
    `wirestate session (JSON codec), each observing ${formatInteger(streams)} streams; bursts of ${formatInteger(count)} trades (${messageBytes} B) round`,
    'robin over the streams. A native WebSocket cannot be paused, so the page holds its own main thread',
    "instead: it makes a synchronous request to the bench's page server, which has the server (another",
    'process) publish the burst and answers once the server has written all of it. No message task can',
    "run meanwhile, so the frames queue in the browser, the kernel and the server's output, and the clock",
    'runs in the page from the end of the hold to the delivery of the last message to its observer. Each',
    'run checks that no message was delivered during the hold. Raw and wirestate alternate run by run, a',
    'warm-up run of each first and a full collection (`HeapProfiler.collectGarbage`) before each run;',
    `\`msg/s\` is the median of ${runs} runs, a ratio the median of the run-by-run ratios, with their range. The`,
    "busy time is the page's main-thread busy time per message over the burst, the hold left out (CDP",
    '`Performance.getMetrics` TaskDuration); its ratio is raw / wirestate, so that it reads like the',
    "rate's. The page is driven over the bare DevTools protocol, not Playwright: Playwright enables the",
    'Network domain, which reports every frame to DevTools and more than doubled the main-thread time',
    'per message.',
    '',
    ...table(
      ['raw msg/s', 'wirestate msg/s', 'wirestate / raw (runs)', 'raw busy', 'wirestate busy', 'same, by busy time (runs)', `target ≥ ${TARGET_BROWSER_RATIO}x`],
      [
        [
          formatInteger(medianOf(raw, 'rate')),
          formatInteger(medianOf(wirestate, 'rate')),
          ratioWithRange(rateRatios),
          `${medianOf(raw, 'busyUs').toFixed(1)} µs/msg`,
          `${medianOf(wirestate, 'busyUs').toFixed(1)} µs/msg`,
          ratioWithRange(busyRatios),
          mark(rateRatio >= TARGET_BROWSER_RATIO),
        ],
      ],
    ),
    '',
    `The backlog, medians over every run of both clients: the server wrote a burst in ${milliseconds(medianOf(both, 'publishMs'))}, the hold`,
    `lasted ${milliseconds(medianOf(both, 'holdMs'))}, and the first message reached its observer ${milliseconds(medianOf(both, 'firstDeliveryMs'))} after the hold ended. While the`,
    `burst drained, the page's main thread was busy ${percent(busyShare(raw))} of the time with the raw client and ${percent(busyShare(wirestate))} with`,
    "wirestate (median). The rest of the time it waited for frames from Chromium's own network and IPC",
    'threads, and a client that costs more first fills that wait: below 100%, the busy time shows the',
    "client's cost more closely than the rate does.",
    '',
    '<details><summary>Every run (msg/s, main-thread busy µs/msg)</summary>',
    '',
    ...(['raw', 'wirestate'] as const).map(
      (client) => `- ${client}: ${result.runs[client].map((run) => `${formatInteger(run.rate)} (${run.busyUs.toFixed(1)})`).join(', ')}`,
    ),
    '',
    '</details>',
    '',
  ];
}
