/**
 * Headless Chromium driven over the bare DevTools protocol, for the Chromium benches: one browser
 * connection, one session per tab, all tabs in the browser's one default context (so one origin's
 * tabs share BroadcastChannel and Web Locks, as in a browser profile). Not Playwright: Playwright
 * enables the Network domain on every page it drives, and Chromium then reports every WebSocket
 * frame, payload included, to the DevTools client; that cost tens of microseconds of the page's
 * main thread per message, more than either client's own work. Here only the domains the bench
 * asks for are on (Performance, for the busy time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/chromium.js';
import { connectDevtools, type DevtoolsConnection } from './devtools-connection.js';
import { within } from './stats.js';

/** Bounds of starting the browser, of one protocol call, and of stopping it. */
const START_LIMIT_MS = 30_000;
const CALL_LIMIT_MS = 30_000;
const STOP_LIMIT_MS = 5_000;

/** One open tab. */
export interface ChromiumPage {
  /** Sends one DevTools command to the tab and resolves with its result. */
  send<T>(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Evaluates `expression` in the tab, awaits the promise it gives, and resolves with its value (JSON). */
  evaluate<T>(expression: string, timeoutMs?: number): Promise<T>;
  /** Closes the tab. */
  close(): Promise<void>;
}

/** A running browser. */
export interface Chromium {
  /** The browser's version, e.g. `156.0.8078.114`. */
  readonly version: string;
  /** Opens `url` in a tab: the browser's first (blank) tab the first time, a new tab after that. */
  openPage(url: string): Promise<ChromiumPage>;
  /** Stops the browser and removes its profile. */
  close(): Promise<void>;
}

interface EvaluateReply {
  readonly result: { readonly value?: unknown };
  readonly exceptionDetails?: { readonly text: string; readonly exception?: { readonly description?: string } };
}

interface TargetInfo {
  readonly targetId: string;
  readonly type: string;
  readonly url: string;
}

/** Reads the browser's DevTools address from its stderr, and keeps draining stderr so that Chromium never blocks on it. */
function devtoolsAddress(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited (${String(code)}) before listening for DevTools`)));
    // Without this listener a missing binary (ENOENT) is an unhandled 'error' event that kills the bench.
    child.once('error', (error) => reject(new Error(`Chromium could not start (${error.message}): run \`bash scripts/ensure-chromium.sh\` or install Debian's chromium`)));
  });
}

/** The browser's first tab, which may appear a little after the DevTools endpoint does. */
async function firstTab(devtools: DevtoolsConnection, limitMs: number): Promise<string> {
  // Polls until its own deadline rather than racing a timer: a race would leave this loop asking a
  // browser that is being stopped.
  const deadline = Date.now() + limitMs;
  do {
    const { targetInfos } = await devtools.send<{ targetInfos: TargetInfo[] }>('Target.getTargets');
    const blank = targetInfos.find((target) => target.type === 'page' && target.url === 'about:blank');
    if (blank !== undefined) return blank.targetId;
    await new Promise((resolve) => setTimeout(resolve, 50));
  } while (Date.now() < deadline);
  throw new Error(`the first tab appearing did not finish within ${limitMs} ms`);
}

async function stopBrowser(child: ChildProcess, profile: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await within(exited, STOP_LIMIT_MS, 'Chromium stopping').catch(() => {
      child.kill('SIGKILL');
      return within(exited, STOP_LIMIT_MS, 'Chromium being killed');
    });
  }
  await rm(profile, { recursive: true, force: true, maxRetries: 3 });
}

/** Attaches to a blank tab and navigates it to `url`. */
async function openTab(devtools: DevtoolsConnection, targetId: string, url: string): Promise<ChromiumPage> {
  const { sessionId } = await devtools.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  const send = <T>(method: string, params: Record<string, unknown> = {}, timeoutMs = CALL_LIMIT_MS): Promise<T> =>
    devtools.send<T>(method, params, sessionId, timeoutMs);
  // Navigated from a tab already attached, so that no evaluation runs in a document about to be replaced.
  const navigation = await send<{ errorText?: string }>('Page.navigate', { url });
  if (navigation.errorText !== undefined) throw new Error(`Chromium could not open ${url}: ${navigation.errorText}`);
  return {
    send,
    async evaluate<T>(expression: string, timeoutMs = CALL_LIMIT_MS): Promise<T> {
      const reply = await send<EvaluateReply>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, timeoutMs);
      if (reply.exceptionDetails !== undefined) throw new Error(`in the page: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
      return reply.result.value as T;
    },
    async close() {
      await devtools.send('Target.closeTarget', { targetId });
    },
  };
}

/** Starts headless Chromium (see test/chromium.ts) with a fresh profile and connects to it. */
export async function launchChromium(): Promise<Chromium> {
  const profile = await mkdtemp(join(tmpdir(), 'wirestate-bench-chromium-'));
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, '--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let devtools: DevtoolsConnection | undefined;
  try {
    devtools = await connectDevtools(await within(devtoolsAddress(child), START_LIMIT_MS, 'Chromium starting'));
    const connected = devtools;
    // `HeadlessChrome/156.0.8078.114`: the product name is Chrome's even in a Chromium build.
    const { product } = await connected.send<{ product: string }>('Browser.getVersion');
    // A one-tab bench runs in the browser's own first tab, so that no idle tab sits beside it.
    let spareTab: string | undefined = await firstTab(connected, START_LIMIT_MS);
    return {
      version: product.slice(product.indexOf('/') + 1),
      async openPage(url) {
        const targetId = spareTab ?? (await connected.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' })).targetId;
        spareTab = undefined;
        return openTab(connected, targetId, url);
      },
      async close() {
        connected.close();
        await stopBrowser(child, profile);
      },
    };
  } catch (error) {
    devtools?.close();
    await stopBrowser(child, profile);
    throw error;
  }
}

/**
 * An expression for {@link ChromiumPage.evaluate} that resolves once the page's module has run and
 * set `globalThis[name]` (the page may still be loading when a bench first asks).
 */
export function whenGlobalSet(name: string): string {
  return `new Promise((resolve) => {
  const check = () => (globalThis[${JSON.stringify(name)}] === undefined ? setTimeout(check, 20) : resolve(true));
  check();
})`;
}

/** The page's main-thread busy time so far, in seconds (CDP TaskDuration; the Performance domain must be on). */
export async function busySeconds(page: ChromiumPage): Promise<number> {
  const { metrics } = await page.send<{ metrics: Array<{ name: string; value: number }> }>('Performance.getMetrics');
  const busy = metrics.find((metric) => metric.name === 'TaskDuration')?.value;
  if (busy === undefined) throw new Error('Chromium reported no TaskDuration metric');
  return busy;
}
