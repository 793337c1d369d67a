/**
 * One headless Chromium page driven over the bare DevTools protocol, for the Chromium throughput
 * bench. Not Playwright: Playwright enables the Network domain on every page it drives, and Chromium
 * then reports every WebSocket frame, payload included, to the DevTools client; that cost tens of
 * microseconds of the page's main thread per message, more than either client's own work. Here only
 * the domains the bench asks for are on (Performance, for the busy time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/chromium.js';
import { within } from './stats.js';

/** Bounds of starting the browser, finding its page, one protocol call, and stopping it. */
const START_LIMIT_MS = 30_000;
const CALL_LIMIT_MS = 30_000;
const STOP_LIMIT_MS = 5_000;

/** An open page. */
export interface ChromiumPage {
  /** The browser's version, e.g. `156.0.8078.114`. */
  readonly version: string;
  /** Sends one DevTools command to the page and resolves with its result. */
  send<T>(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Evaluates `expression` in the page, awaits the promise it gives, and resolves with its value (JSON). */
  evaluate<T>(expression: string, timeoutMs?: number): Promise<T>;
  /** Stops the browser and removes its profile. */
  close(): Promise<void>;
}

interface EvaluateReply {
  readonly result: { readonly value?: unknown };
  readonly exceptionDetails?: { readonly text: string; readonly exception?: { readonly description?: string } };
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
  });
}

/** One of the browser's DevTools HTTP endpoints (`/json/version`, `/json/list`), bounded. */
async function devtoolsJson<T>(port: string, path: string): Promise<T> {
  const response = await within(fetch(`http://127.0.0.1:${port}${path}`), CALL_LIMIT_MS, `DevTools ${path}`);
  return (await within(response.json(), CALL_LIMIT_MS, `DevTools ${path}`)) as T;
}

async function blankPage(port: string): Promise<string> {
  for (;;) {
    const targets = await devtoolsJson<Array<{ type: string; url: string; webSocketDebuggerUrl: string }>>(port, '/json/list');
    const page = targets.find((target) => target.type === 'page' && target.url === 'about:blank');
    if (page !== undefined) return page.webSocketDebuggerUrl;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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

/** Starts headless Chromium (see test/chromium.ts), connects to its page and opens `url` in it. */
export async function openChromiumPage(url: string): Promise<ChromiumPage> {
  const profile = await mkdtemp(join(tmpdir(), 'wirestate-bench-chromium-'));
  const child = spawn(CHROMIUM_PATH, [...CHROMIUM_ARGS, '--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const port = new URL(await within(devtoolsAddress(child), START_LIMIT_MS, 'Chromium starting')).port;
    // `HeadlessChrome/156.0.8078.114`: the product name is Chrome's even in a Chromium build.
    const { Browser: product } = await devtoolsJson<{ Browser: string }>(port, '/json/version');
    const version = product.slice(product.indexOf('/') + 1);
    const socket = new WebSocket(await within(blankPage(port), START_LIMIT_MS, 'the first page appearing'), { maxPayload: 0 });
    await within(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)), START_LIMIT_MS, 'the DevTools connection');
    const pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
    socket.on('message', (data) => {
      const reply = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = reply.id === undefined ? undefined : pending.get(reply.id);
      if (waiter === undefined) return;
      pending.delete(reply.id as number);
      if (reply.error === undefined) waiter.resolve(reply.result);
      else waiter.reject(new Error(`DevTools: ${reply.error.message}`));
    });
    socket.on('close', () => {
      for (const waiter of pending.values()) waiter.reject(new Error('the DevTools connection closed'));
      pending.clear();
    });
    let nextId = 1;
    const send = <T>(method: string, params: Record<string, unknown> = {}, timeoutMs = CALL_LIMIT_MS): Promise<T> => {
      const id = nextId++;
      const reply = new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (result: unknown) => void, reject }));
      socket.send(JSON.stringify({ id, method, params }));
      return within(reply, timeoutMs, `DevTools ${method}`).finally(() => pending.delete(id));
    };
    // Navigated from a page already connected, so that no evaluation runs in a document about to be replaced.
    const navigation = await send<{ errorText?: string }>('Page.navigate', { url });
    if (navigation.errorText !== undefined) throw new Error(`Chromium could not open ${url}: ${navigation.errorText}`);
    return {
      version,
      send,
      async evaluate<T>(expression: string, timeoutMs = CALL_LIMIT_MS): Promise<T> {
        const reply = await send<EvaluateReply>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, timeoutMs);
        if (reply.exceptionDetails !== undefined) throw new Error(`in the page: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
        return reply.result.value as T;
      },
      async close() {
        socket.terminate();
        await stopBrowser(child, profile);
      },
    };
  } catch (error) {
    await stopBrowser(child, profile);
    throw error;
  }
}
