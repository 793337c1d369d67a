/**
 * Bad input a new user gave in a field trial: each is refused with a typed OptionsError that names
 * what is wrong, at the call, before anything goes on the wire; against the reference server where
 * the input would otherwise have reached it.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BalancerError, OptionsError, OversizeMessageError, createSession } from '../../src/node.js';
import { json } from '../../src/codecs/json.js';
import { eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';
import { refusal, UNUSED_ENDPOINT } from '../helpers/option-refusal.js';

const ENDPOINT = UNUSED_ENDPOINT;

/** The rejection of `promise`, which must reject. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`resolved with ${inspect(value)}`);
    },
    (error: unknown) => error as Error,
  );
}

describe('an endpoint with a fragment', () => {
  it.each(['ws://127.0.0.1:1234/ws#x', 'ws://127.0.0.1:1234/ws#'])('%s is refused at createSession', (endpoint) => {
    expect(refusal({ endpoint }).message).toBe('endpoint must be a URL without a fragment');
  });

  it('from a provider ends the session with an OptionsError before any handshake', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: () => `${server.endpointUrl}#x`, lazy: false });
    const closed = await session.closed;
    expect(closed.error).toBeInstanceOf(OptionsError);
    expect(closed.error?.message).toBe('endpoint provider must give a URL without a fragment');
    expect(server.handshakes()).toHaveLength(0);
  });

  it('from the balancer ends the session with a non-retryable BalancerError before any handshake', async () => {
    const server = await startServer();
    const balancer = await startServer({ balancerEndpoint: `${server.endpointUrl}#x` });
    const session = openSession({ balancer: balancer.balancerUrl, lazy: false });
    const { error } = await session.closed;
    expect(error).toBeInstanceOf(BalancerError);
    expect(error?.message).toBe('bad balancer answer: endpoint must be a URL without a fragment');
    expect((error as BalancerError).retryable).toBe(false);
    expect(server.handshakes()).toHaveLength(0);
  });
});

describe('URL options say which kind of URL they take', () => {
  it.each([
    [{ balancer: 'ws://127.0.0.1:1/ws', endpoint: undefined }, 'balancer must be an http(s) URL'],
    [{ endpoint: 'http://127.0.0.1:1/ws' }, 'endpoint must be a ws(s) URL'],
    [{ endpoint: '/ws' }, 'endpoint must be a ws(s) URL'],
    [{ endpoint: 'ws://exa mple.com/ws' }, 'endpoint must be a valid URL'],
  ])('%o', (options, message) => {
    expect(refusal(options).message).toBe(message);
  });
});

describe('codecs', () => {
  it.each([
    ['json twice', ['json', 'json']],
    ['json and json()', ['json', json()]],
  ])('refuses %s', (_name, codecs) => {
    expect(refusal({ codecs }).message).toBe('codecs must offer json only once');
  });
});

describe('a fixed token the subprotocol transport cannot carry', () => {
  it('is refused at createSession without quoting it', () => {
    const error = refusal({ auth: { token: 'a/b=' } });
    expect(error.message).toBe("auth.token must be a subprotocol token unless auth.transport is 'query' or 'packet'");
    expect(refusal({ auth: { token: 'SECRET/=', transport: 'subprotocol' } }).message).not.toMatch(/SECRET/);
  });

  it.each(['query', 'packet'] as const)('is accepted with transport %s', (transport) => {
    void createSession({ endpoint: ENDPOINT, auth: { token: 'a/b=', transport } }).close();
  });
});

describe('request() options', () => {
  it.each([
    [{ timeotMs: 5 }, 'request.timeotMs is not an option'],
    [{ timeoutMs: 0 }, 'timeoutMs must be a positive number of milliseconds or Infinity'],
    [{ timeoutMs: -1 }, 'timeoutMs must be a positive number of milliseconds or Infinity'],
    [{ signal: {} }, 'signal must be an AbortSignal'],
    [{ idempotent: 'yes' }, 'idempotent must be a boolean'],
    [null, 'request must be an object'],
  ])('%o is refused before anything is sent', async (options, message) => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    await session.ready();
    server.clearRecords();
    const error = await rejection(session.request('ECHO', { n: 1 }, options as never));
    expect(error).toBeInstanceOf(OptionsError);
    expect(error.message).toBe(message);
    // The session is untouched and nothing went out: the next request is the first the server sees.
    await expect(session.request('ECHO', { n: 2 })).resolves.toEqual({ n: 2 });
    expect(server.packets((packet) => packet.method === 'ECHO').map((packet) => (packet.packet as { params?: unknown }).params)).toEqual([{ n: 2 }]);
  });
});

describe('ready() and waitFor() arguments follow the same rules as request()', () => {
  it.each([
    ['ready', { timeotMs: 5 }, 'ready.timeotMs is not an option'],
    ['waitFor', { timeotMs: 5 }, 'waitFor.timeotMs is not an option'],
    ['waitFor authorized', { timeotMs: 5 }, 'waitFor.timeotMs is not an option'],
    ['ready', { timeoutMs: 0 }, 'timeoutMs must be a positive number of milliseconds or Infinity'],
    ['waitFor', { timeoutMs: -1 }, 'timeoutMs must be a positive number of milliseconds or Infinity'],
    ['ready', { signal: 'stop' }, 'signal must be an AbortSignal'],
    ['ready', 5, 'ready must be an object'],
  ])('%s(%o) rejects with an OptionsError', async (method, options, message) => {
    const session = openSession({ endpoint: ENDPOINT });
    const wait = method === 'ready' ? session.ready(options as never) : method === 'waitFor' ? session.waitFor('reconnecting', options as never) : session.waitFor('authorized', options as never);
    const error = await rejection(wait);
    expect(error).toBeInstanceOf(OptionsError);
    expect(error.message).toBe(message);
  });

  it('waitFor a state state$ never names lists the valid ones', async () => {
    const session = openSession({ endpoint: ENDPOINT });
    const error = await rejection(session.waitFor('bogus' as never, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(OptionsError);
    expect(error.message).toBe('state must be one of idle, resolving, connecting, initializing, authorizing, authorized, resuming, reconnecting, closed');
    expect(session.states.at(-1)?.value).toBe('idle');
  });
});

describe('an oversized JSON message', () => {
  it('reports its real encoded size, not the limit plus one', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl, maxMessageBytes: 1_000 });
    await session.ready();
    const error = await rejection(session.request('ECHO', { text: 'é'.repeat(2_000) }));
    expect(error).toBeInstanceOf(OversizeMessageError);
    const { size, limit } = error as OversizeMessageError;
    expect(limit).toBe(1_000);
    // 4,000 bytes of text plus the packet around it (method, id, keys: well under 200 bytes).
    expect(size).toBeGreaterThan(4_000);
    expect(size).toBeLessThan(4_200);
  });
});

describe('close() takes no code or reason', () => {
  it.each([[[4000, 'bye']], [[1000]], [[undefined, 'bye']]])('close(%j) still closes, with 1000, and reports the ignored code on errors$', async (args) => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    await session.ready();
    // Resolves: a close handed a number (a Node listener such as ws.on('close', session.close)) must not reject unhandled.
    await (session.close as (...given: unknown[]) => Promise<void>)(...args);
    const reported = session.reportedErrors.filter((error) => error instanceof OptionsError);
    expect(reported.map((error) => error.message)).toEqual(['close takes no code or reason']);
    await eventually(() => server.disconnects().length > 0, 'the server to see the close');
    expect(server.disconnects().map((record) => record.code)).toEqual([1000]);
  });

  it('reports nothing for close() without arguments', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    await session.ready();
    await session.close();
    expect(session.reportedErrors.filter((error) => error instanceof OptionsError)).toEqual([]);
  });

  it('still closes when used as a listener that is handed an event', async () => {
    const server = await startServer();
    const session = openSession({ endpoint: server.endpointUrl });
    await session.ready();
    const target = new EventTarget();
    target.addEventListener('pagehide', session.close as unknown as EventListener);
    target.dispatchEvent(new Event('pagehide'));
    await waitForState(session, 'closed');
    await eventually(() => server.disconnects().length > 0, 'the server to see the close');
    expect(server.disconnects().map((record) => record.code)).toEqual([1000]);
  });
});
