import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliConfig } from '../../src/testing/cli-options.js';
import { RawClient, terminateAllClients } from './raw-client.js';

/** The source of the `wirestate-test-server` bin (test/package runs the built one from an installed tarball). */
const CLI = fileURLToPath(new URL('../../src/testing/cli.ts', import.meta.url));

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly urls: { balancerUrl: string; endpointUrl: string; port: number; pid: number };
  readonly nextLine: () => Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  terminateAllClients();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function runCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: 'pipe', env: { ...process.env, WIRESTATE_SERVER_LOCATION: 'from-env' } });
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(line);
    else lines.push(line);
  });
  const nextLine = (): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no line from the CLI within 10 s')), 10_000);
      const take = (line: string): void => {
        clearTimeout(timer);
        resolve(JSON.parse(line) as Record<string, unknown>);
      };
      const line = lines.shift();
      if (line !== undefined) take(line);
      else waiting.push(take);
    });
  const urls = (await nextLine()) as unknown as Running['urls'];
  return { child, urls, nextLine, exited };
}

describe('cli', () => {
  it('prints its URLs, takes commands on stdin, and shuts down on SIGTERM', async () => {
    const { child, urls, nextLine, exited } = await runCli(['--port', '0', '--heartbeat-ms', '1000', '--init-timeout-ms=5000']);
    expect(urls.endpointUrl).toBe(`ws://127.0.0.1:${urls.port}/ws`);
    const balancer = await (await fetch(`${urls.balancerUrl}/v1/websocket/server`)).json();
    expect(balancer).toEqual({ endpoint: urls.endpointUrl, location: 'from-env' });

    const client = await RawClient.connect(urls);
    expect((await client.initialize()).heartbeatMs).toBe(1000);
    await client.call('SUBSCRIBE', ['btcusdt@trade']);
    child.stdin.write(`${JSON.stringify({ command: 'publish', stream: 'btcusdt@trade', data: { p: 1 }, count: 2 })}\n`);
    expect(await nextLine()).toEqual({ command: 'publish', ok: true, deliveries: 2 });
    expect((await client.waitForStreamMessages(2)).map((message) => message.seq)).toEqual([1, 2]);
    child.stdin.write('{"command":"stats","id":9}\n');
    expect(await nextLine()).toMatchObject({ command: 'stats', id: 9, ok: true, stats: { connectionsOpen: 1, streamMessages: 2 } });
    child.stdin.write('{"command":"nope"}\n');
    expect(await nextLine()).toMatchObject({ ok: false });

    child.kill('SIGTERM');
    expect((await client.waitForClose(5_000)).code).toBe(1001);
    expect(await exited).toBe(0);
  });

  it('shuts down when stdin ends', async () => {
    const { child, exited } = await runCli([]);
    child.stdin.end();
    expect(await exited).toBe(0);
  });
});

describe('cli options', () => {
  it('reads flags in every form, env variables, and lets flags win', () => {
    const config = parseCliConfig(
      ['--port', '8080', '--heartbeat-ms=5000', '--no-ping-frames', '--require-version', '--licenses', 'a,b', '--users=alice:pw:with:colons', '--codecs=json,msgpack'],
      { WIRESTATE_SERVER_PORT: '9999', WIRESTATE_SERVER_IDLE_TIMEOUT_MS: '0' },
    );
    expect(config.server).toEqual({
      port: 8080,
      heartbeatMs: 5000,
      pingFrames: false,
      requireVersion: true,
      idleTimeoutMs: 0,
      codecs: ['json', 'msgpack'],
      auth: { licenses: ['a', 'b'], users: { alice: 'pw:with:colons' } },
    });
    expect(config.simulator).toBeUndefined();
    expect(config.stdin).toBe('watch');
  });

  it('configures the simulator', () => {
    expect(parseCliConfig(['--simulate-rate', '1000', '--simulate-symbols', 'btcusdt', '--simulate-kinds', 'trade'], {}).simulator).toEqual({
      ratePerSecond: 1000,
      symbols: ['btcusdt'],
      kinds: ['trade'],
    });
  });

  it('refuses unknown flags and bad values', () => {
    expect(() => parseCliConfig(['--bogus'], {})).toThrow(/Unknown flag --bogus/);
    expect(() => parseCliConfig(['--port', 'eighty'], {})).toThrow(/needs a number/);
    expect(() => parseCliConfig(['--codecs', 'cbor'], {})).toThrow(/--codecs/);
    expect(() => parseCliConfig(['--users', 'nopassword'], {})).toThrow(/user:password/);
    expect(() => parseCliConfig(['--heartbeat-ms'], {})).toThrow(/needs a value/);
  });
});
