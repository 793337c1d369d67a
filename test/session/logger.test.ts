import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSession, OptionsError, type LogDetails, type SessionLogger } from '../../src/node.js';
import { openSession, startServer, waitForState } from '../helpers/session-harness.js';

interface Line {
  readonly level: string;
  readonly message: string;
  readonly details: LogDetails | undefined;
}

function recordingLogger(): { logger: SessionLogger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (message: string, details?: LogDetails) => lines.push({ level, message, details });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

const text = (lines: readonly Line[]) => lines.map((line) => `${line.level} ${line.message} ${JSON.stringify(line.details)}`).join('\n');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the logger option', () => {
  it('is off by default: a session logs nothing to the console', async () => {
    const spies = (['debug', 'info', 'log', 'warn', 'error'] as const).map((level) => vi.spyOn(console, level));
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, lazy: false });
    await session.ready();
    server.faults.dropConnection();
    await session.ready({ timeoutMs: 5_000 });
    await session.close();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('logs attempts, authorization, closes with codes, retries with delays and the end, without secrets', async () => {
    const server = await startServer({ auth: { tokens: ['s3cr3t-t0ken'] } });
    const { logger, lines } = recordingLogger();
    const endpoint = `${server.endpointUrl}?apiKey=k3y-in-url`;
    const session = openSession({ endpoint, auth: { token: 's3cr3t-t0ken', transport: 'query' }, logger, lazy: false });
    await session.ready({ timeoutMs: 5_000 });
    server.faults.refuseConnections({ times: 1 });
    server.faults.closeConnection('all', 1012, 'restarting');
    await waitForState(session, 'reconnecting');
    await session.ready({ timeoutMs: 5_000 });
    await session.close();

    const log = text(lines);
    expect(log).not.toContain('s3cr3t');
    expect(log).not.toContain('k3y-in-url');
    expect(lines).toContainEqual({ level: 'info', message: `wirestate: connecting to ${server.endpointUrl}?apiKey=…`, details: { endpoint: `${server.endpointUrl}?apiKey=…`, attempt: 0 } });
    expect(lines.find((line) => line.message === 'wirestate: authorized')?.details).toMatchObject({ codec: 'json', resumed: false });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', message: 'wirestate: connection closed (1012)', details: expect.objectContaining({ code: 1012, reason: 'restarting' }) }));
    const retry = lines.find((line) => line.level === 'warn' && line.message.startsWith('wirestate: retrying in '));
    expect(retry?.details?.['delayMs']).toEqual(expect.any(Number));
    expect(retry?.details?.['attempt']).toBeGreaterThanOrEqual(1);
    expect(lines.at(-1)).toMatchObject({ level: 'info', message: 'wirestate: closed (1000)', details: { clientRequested: true } });
    expect(lines.filter((line) => line.level === 'debug').map((line) => line.details?.['state'])).toContain('reconnecting');
  });

  it('logs a fatal end at error level, and non-fatal errors at warn level', async () => {
    const server = await startServer({ auth: { licenses: ['good'] } });
    const { logger, lines } = recordingLogger();
    const session = openSession({ endpoint: server.endpointUrl, auth: { license: 'bad' }, logger, lazy: false });
    await session.closed;
    expect(lines.at(-1)).toMatchObject({ level: 'error', message: expect.stringContaining('UnauthorizedError'), details: { errorCode: 'unauthorized' } });
    expect(text(lines)).not.toContain('"bad"');
  });

  it('takes a partial logger, and a logger that throws does not break the session', async () => {
    const server = await startServer();
    const warnings: string[] = [];
    const session = openSession({
      endpoint: server.endpointUrl,
      logger: {
        info: () => {
          throw new Error('broken logger');
        },
        warn: (message) => warnings.push(message),
      },
    });
    await expect(session.request('ECHO', { a: 1 })).resolves.toEqual({ a: 1 });
    server.faults.dropConnection();
    await session.waitFor('resuming', { timeoutMs: 5_000 });
    expect(warnings.some((message) => message.startsWith('wirestate: connection closed'))).toBe(true);
  });

  it.each([[null], ['console'], [{ info: 'yes' }]])('refuses logger %j with an OptionsError', (logger) => {
    expect(() => createSession({ endpoint: 'ws://127.0.0.1:1/ws', logger: logger as never })).toThrow(OptionsError);
  });
});
