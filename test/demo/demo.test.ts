import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, startMarketSimulator, type TestServer } from '../../src/testing/index.js';
import { eventually } from '../helpers/eventually.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const children = new Set<ChildProcess>();
const servers: TestServer[] = [];

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  while (servers.length > 0) await servers.pop()?.close();
});

interface DemoRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the demo as `npm run demo` would (tsx), with stdout a pipe (not a TTY); kills it after `limitMs`. */
function runDemo(args: readonly string[], limitMs = 15_000): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not end within ${limitMs} ms; output so far:\n${stdout}\n${stderr}`));
    }, limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npm run demo', () => {
  it('shows a resume without loss and a new session with gaps announced, then passes', async () => {
    const run = await runDemo(['--duration', '6s'], 18_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    // Not a TTY: plain lines, no ANSI control sequences, and few of them (no flood).
    expect(out).not.toContain('\x1b[');
    expect(out.trim().split('\n').length).toBeLessThan(25);
    expect(out).toMatch(/drop #1: connection cut without a close frame/);
    expect(out).toMatch(/ok: drop #1 → resume: resumed session (\S+) after .*; [\d,]+ messages published meanwhile replayed; 0 gaps, 0 duplicates/);
    expect(out).toMatch(/restart #1: .*1012/);
    expect(out).toMatch(/gaps\$: 40 streams may have missed messages/);
    expect(out).toMatch(/ok: restart #1 → new session: new session \S+ after .*gaps\$ named 40 of 40 streams; \d+ skipped ahead as announced, 0 unannounced gaps, 0 duplicates/);
    expect(out).toMatch(/states [^\n]*resuming/);
    expect(out).toMatch(/states [^\n]*resolving→connecting→initializing→authorized/);
    expect(out).toMatch(/verdict: PASS · [\d,]+ messages on 40 streams .* 0 lost · 0 duplicated .* sequence checked on 40 streams/);
    const resumed = /resumed session (\S+) after/.exec(out)?.[1];
    const fresh = /new session (\S+) after/.exec(out)?.[1];
    expect(resumed).toBeDefined();
    expect(fresh).not.toBe(resumed);
  });

  it('runs against another balancer without injecting faults', async () => {
    const server = await createTestServer();
    servers.push(server);
    const simulator = startMarketSimulator(server, { symbols: ['btcusdt', 'ethusdt'], ratePerSecond: 400 });
    const run = await runDemo(['--balancer', server.balancerUrl, '--streams', 'btcusdt@trade,ethusdt@depth', '--codec', 'json', '--duration', '2s']);
    simulator.stop();
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/drop #|restart #/);
    expect(run.stdout).toMatch(/verdict: PASS · [\d,]+ messages on 2 streams/);
    expect(server.handshakes().at(-1)?.selectedProtocol).toBe('json.v1');
  });

  it('fails with exit code 1 when a stream skips ahead without gaps$ announcing it', async () => {
    const server = await createTestServer();
    servers.push(server);
    const running = runDemo(['--endpoint', server.endpointUrl, '--streams', 'lossy@trade', '--duration', '2s']);
    await eventually(() => server.hasSubscribers('lossy@trade'), 'the demo to subscribe', 10_000);
    for (const id of [1, 2, 4, 5]) server.publish('lossy@trade', { e: 'trade', t: id, p: '1.0' });
    const run = await running;
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/verdict: FAIL .* 1 lost/);
    expect(run.stdout).toMatch(/1 unannounced gap: messages were lost where none should be/);
  });

  it('serves the devtools page for its session with --devtools', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/main.ts', '--devtools', '--no-faults', '--streams', '2', '--duration', '5s'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let url: string | undefined;
    await eventually(() => (url = /devtools: open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1]) !== undefined, () => `the devtools URL in ${JSON.stringify(stdout)}`, 10_000);
    expect(url).toBeDefined();
    expect((await fetch(url as string)).status).toBe(200);
    const { default: WebSocket } = await import('ws');
    const viewer = new WebSocket(`${(url as string).replace('http', 'ws')}feed`);
    const hello = await new Promise<{ type: string; chart: { states: { id: string }[] } }>((resolve, reject) => {
      viewer.once('message', (data) => resolve(JSON.parse(String(data)) as { type: string; chart: { states: { id: string }[] } }));
      viewer.once('error', reject);
    });
    viewer.close(1000);
    expect(hello.type).toBe('hello');
    expect(hello.chart.states.map((state) => state.id)).toContain('connection.authorized');
    expect(await exited).toBe(0);
  }, 20_000);

  it('refuses unknown options with exit code 2', async () => {
    const run = await runDemo(['--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown flag --bogus/);
  });
});
