import { Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogDetails, SessionOptions, WirestateError } from '../../src/node.js';
import { onDemand } from '../../src/on-demand.js';
import { eventually } from '../helpers/eventually.js';
import { startServer } from '../helpers/session-harness.js';

/**
 * The code only some sessions need is loaded on demand (docs/bundle-size.md): the balancer call,
 * the rotation handover and the logger's lines. A chunk that fails to load (mocked here as a module
 * whose evaluation throws, which is what a failed chunk fetch looks like to `import()`) must show
 * up as a typed error, never as a silent hang; and a logger must lose no line while its code loads.
 */

const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
  vi.doUnmock('../../src/transport/balancer.js');
  vi.doUnmock('../../src/machine/actors/handover.js');
  vi.doUnmock('../../src/session/log-lines.js');
  vi.resetModules();
});

/** A fresh copy of the package, so that nothing is loaded yet, with `mocked` failing to load. */
async function freshPackage(...failing: string[]) {
  vi.resetModules();
  for (const path of failing) {
    vi.doMock(path, () => {
      throw new Error('chunk failed to load');
    });
  }
  const wirestate = await import('../../src/node.js');
  return {
    ...wirestate,
    open(options: SessionOptions) {
      const session = wirestate.createSession({ reconnect: { initialDelayMs: 5, maxDelayMs: 50 }, ...options });
      closers.push(() => session.close());
      const errors: WirestateError[] = [];
      session.errors$.subscribe((error) => errors.push(error));
      return { session, errors };
    },
  };
}


describe('onDemand', () => {
  it('loads once, keeps the module, and loads again after a failure', async () => {
    let calls = 0;
    const chunk = onDemand(async () => {
      calls++;
      if (calls === 1) throw new Error('offline');
      return { value: calls };
    });
    expect(chunk.loaded).toBeUndefined();
    await expect(chunk.load()).rejects.toThrow('offline');
    expect(chunk.loaded).toBeUndefined();
    const [first, second] = await Promise.all([chunk.load(), chunk.load()]);
    expect(first).toBe(second);
    expect(chunk.loaded).toEqual({ value: 2 });
    expect(calls).toBe(2);
  });
});

describe('a chunk that fails to load', () => {
  it('fails a balancer attempt with a retryable BalancerError, reported and retried', async () => {
    const server = await startServer();
    const { BalancerError, ...wirestate } = await freshPackage('../../src/transport/balancer.js');
    const { session, errors } = wirestate.open({ balancer: server.balancerUrl, lazy: false });
    await eventually(() => errors.length >= 2);
    expect(errors[0]).toBeInstanceOf(BalancerError);
    expect(errors[0]).toMatchObject({ code: 'balancer', message: 'balancer code failed to load', retryable: true });
    expect(errors[0]?.cause).toBeInstanceOf(Error);
    expect(server.balancerRequests()).toHaveLength(0);
    expect(session.actor.getSnapshot().context.attempt).toBeGreaterThanOrEqual(2);
  });

  it('fails a balancer attempt whose code stalls with a retryable BalancerError that says so, after the balancer timeout', async () => {
    const server = await startServer();
    vi.resetModules();
    // A chunk fetch that stalls: `import()` neither resolves nor rejects.
    vi.doMock('../../src/transport/balancer.js', () => new Promise(() => undefined));
    const { BalancerError, ...wirestate } = await freshPackage();
    const { errors } = wirestate.open({ balancer: server.balancerUrl, lazy: false, timeouts: { balancerMs: 100 } });
    await eventually(() => errors.length >= 2);
    expect(errors[0]).toBeInstanceOf(BalancerError);
    expect(errors[0]).toMatchObject({ code: 'balancer', message: 'balancer code did not load in time', retryable: true });
    expect(server.balancerRequests()).toHaveLength(0);
  });

  it('fails a rotation with a RotationError (stage connect) while the serving connection goes on', async () => {
    const server = await startServer({ maxLifetimeMs: 2_000 });
    const { RotationError, ...wirestate } = await freshPackage('../../src/machine/actors/handover.js');
    const { session, errors } = wirestate.open({ endpoint: server.endpointUrl, lazy: false, rotation: { marginMs: 1_900 }, reconnect: { minUptimeMs: 50 } });
    await eventually(() => errors.length > 0);
    expect(errors[0]).toBeInstanceOf(RotationError);
    expect(errors[0]).toMatchObject({ code: 'rotation', stage: 'connect' });
    const { value, context } = session.actor.getSnapshot();
    expect(JSON.stringify(value)).toContain('authorized');
    expect(context.rotationFailures).toBeGreaterThanOrEqual(1);
    expect(context.rotations).toBe(0);
  });

  it('fails a rotation whose chunk never arrives within the rotation\'s timeout, not silently at the end of the connection\'s life', async () => {
    // A chunk fetch that stalls (a dropped mobile connection): `import()` neither resolves nor rejects.
    const server = await startServer({ maxLifetimeMs: 4_000 });
    vi.resetModules();
    vi.doMock('../../src/machine/actors/handover.js', () => new Promise(() => undefined));
    const { RotationError, ...wirestate } = await freshPackage();
    const { session, errors } = wirestate.open({
      endpoint: server.endpointUrl,
      lazy: false,
      rotation: { marginMs: 3_800 },
      // Rotating only a connection that proved itself: 50 ms here, so the rotation is due at 200 ms.
      reconnect: { minUptimeMs: 50 },
      timeouts: { connectMs: 200, initializeMs: 200 },
    });
    // Due about 200 ms in, timed out 400 ms later: well before the server ends the connection at 4 s.
    await eventually(() => errors.length > 0, 'a rotation error', 3_000);
    expect(errors[0]).toBeInstanceOf(RotationError);
    expect(errors[0]).toMatchObject({ code: 'rotation', stage: 'timeout' });
    const { context } = session.actor.getSnapshot();
    expect(context.rotationFailures).toBeGreaterThanOrEqual(1);
    expect(context.lastClose).toBeUndefined();
  });

  it('is logged at error level by a logger, and fetched again with the next line', async () => {
    const server = await startServer();
    const wirestate = await freshPackage('../../src/session/log-lines.js');
    const lines: Array<{ message: string; details: LogDetails | undefined }> = [];
    const logger = { error: (message: string, details?: LogDetails) => lines.push({ message, details }) };
    const { session } = wirestate.open({ endpoint: server.endpointUrl, lazy: false, logger });
    await session.ready();
    await eventually(() => lines.length >= 2);
    expect(lines[0]).toMatchObject({ message: 'wirestate: logger code failed to load' });
    // How many lines wait for the code is said, so that lines that never get written are not a silent loss.
    expect(lines[0]?.details?.['held']).toBeGreaterThanOrEqual(1);
    expect(lines.every((line) => line.message === 'wirestate: logger code failed to load')).toBe(true);
  });
});

describe('a logger whose code is still loading', () => {
  it('loses no line and keeps their order', async () => {
    const server = await startServer();
    const wirestate = await freshPackage();
    const lines: string[] = [];
    const at = (level: string) => (message: string) => lines.push(`${level} ${message}`);
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const { session } = wirestate.open({ endpoint: server.endpointUrl, lazy: false, logger });
    // The session has already begun (idle, then connecting), but the lines' code has not arrived.
    expect(lines).toEqual([]);
    await session.ready();
    await session.close();
    await eventually(() => lines.includes('info wirestate: closed (1000)'));
    expect(lines.filter((line) => line.startsWith('debug')).slice(0, 2)).toEqual(['debug wirestate: state idle', 'debug wirestate: state connecting']);
    expect(lines.indexOf('debug wirestate: state connecting')).toBeLessThan(lines.indexOf('info wirestate: authorized'));
    expect(lines.at(-1)).toBe('info wirestate: closed (1000)');
  });

  it('keeps the order when a logger makes the session move while the held lines are being logged', async () => {
    const server = await startServer();
    const wirestate = await freshPackage();
    const lines: string[] = [];
    const opened: { session?: ReturnType<typeof wirestate.open>['session'] } = {};
    const at = (level: string) => (message: string) => {
      lines.push(`${level} ${message}`);
      // A logger that acts on what it reads (here: closes on the first line), while older lines are still held.
      if (message === 'wirestate: state idle') void opened.session?.close();
    };
    const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const { session } = wirestate.open({ endpoint: server.endpointUrl, lazy: false, logger });
    opened.session = session;
    await session.closed;
    await eventually(() => lines.includes('info wirestate: closed (1000)'));
    expect(lines[0]).toBe('debug wirestate: state idle');
    // Lines of what happened while the held ones were written come after them, not in between.
    expect(lines.at(-1), lines.join('\n')).toBe('info wirestate: closed (1000)');
    expect(lines.filter((line) => line.includes('closed'))).toHaveLength(2);
  });

  it('holds at most MAX_HELD_LINES lines while the code does not arrive, and counts the rest in a warning', async () => {
    vi.resetModules();
    let arrive = () => undefined as void;
    const gate = new Promise<void>((resolve) => (arrive = resolve));
    // Code that stalls (a fetch on a dropped connection) until the test lets it arrive.
    vi.doMock('../../src/session/log-lines.js', async () => {
      await gate;
      return {
        logLines: (logger: { error: (message: string) => void }) => ({ state: () => undefined, error: (error: Error) => logger.error(error.message) }),
      };
    });
    const { attachLogger, MAX_HELD_LINES } = await import('../../src/session/attach-logger.js');
    const { WirestateError } = await import('../../src/errors.js');
    const state$ = new Subject<never>();
    const errors$ = new Subject<InstanceType<typeof WirestateError>>();
    const lines: Array<{ message: string; details: LogDetails | undefined }> = [];
    const write = (message: string, details?: LogDetails) => lines.push({ message, details });
    attachLogger({ state$, errors$ }, { warn: write, error: write }, () => 0);
    for (let index = 0; index < MAX_HELD_LINES + 5; index++) errors$.next(new WirestateError('transport', `line ${index}`));
    expect(lines).toEqual([]);
    arrive();
    await eventually(() => lines.length === MAX_HELD_LINES + 1);
    expect(lines[0]?.message).toBe('line 0');
    expect(lines[MAX_HELD_LINES - 1]?.message).toBe(`line ${MAX_HELD_LINES - 1}`);
    expect(lines.at(-1)).toEqual({ message: 'wirestate: log lines dropped while the logger code loaded', details: { dropped: 5 } });
    // Once loaded, lines are written as they happen.
    errors$.next(new WirestateError('transport', 'after'));
    expect(lines.at(-1)?.message).toBe('after');
  });
});
