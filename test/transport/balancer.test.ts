import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closedPort } from '../helpers/closed-port.js';
import { BalancerError } from '../../src/errors.js';
import { resolveEndpoint } from '../../src/transport/balancer.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let handler: Handler;
const requests: IncomingMessage[] = [];

beforeEach(async () => {
  requests.length = 0;
  handler = (_request, response) => answer(response, 200, { endpoint: 'ws://127.0.0.1:9/ws' });
  server = createServer((request, response) => {
    requests.push(request);
    handler(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function answer(response: ServerResponse, status: number, body: unknown, raw = false): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(raw ? String(body) : JSON.stringify(body));
}

/** Resolves with the BalancerError the call rejects with (fails the test if it resolves). */
async function failure(options: Partial<Parameters<typeof resolveEndpoint>[0]> = {}): Promise<BalancerError> {
  const error: unknown = await resolveEndpoint({ balancerUrl: baseUrl, timeoutMs: 5_000, ...options }).then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(BalancerError);
  return error as BalancerError;
}

describe('resolveEndpoint', () => {
  it('asks GET /v1/websocket/server with Accept: application/json and returns the endpoint', async () => {
    await expect(resolveEndpoint({ balancerUrl: baseUrl, timeoutMs: 5_000 })).resolves.toEqual({ endpoint: 'ws://127.0.0.1:9/ws' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.url).toBe('/v1/websocket/server');
    expect(requests[0]?.headers.accept).toBe('application/json');
  });

  it('returns the location when it is a string, and ignores one that is not', async () => {
    handler = (_request, response) => answer(response, 200, { endpoint: 'wss://edge.example.com/ws', location: 'eu-1' });
    await expect(resolveEndpoint({ balancerUrl: baseUrl, timeoutMs: 5_000 })).resolves.toEqual({ endpoint: 'wss://edge.example.com/ws', location: 'eu-1' });
    handler = (_request, response) => answer(response, 200, { endpoint: 'wss://edge.example.com/ws', location: 7 });
    await expect(resolveEndpoint({ balancerUrl: baseUrl, timeoutMs: 5_000 })).resolves.toEqual({ endpoint: 'wss://edge.example.com/ws' });
  });

  it('handles a trailing slash and a base path, and keeps the query', async () => {
    await resolveEndpoint({ balancerUrl: `${baseUrl}/`, timeoutMs: 5_000 });
    await resolveEndpoint({ balancerUrl: `${baseUrl}/api//?key=k1`, timeoutMs: 5_000 });
    expect(requests.map((request) => request.url)).toEqual(['/v1/websocket/server', '/api/v1/websocket/server?key=k1']);
  });

  it('uses the fetch it is given', async () => {
    const asked: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      asked.push(String(input));
      return fetch(input, init);
    };
    await resolveEndpoint({ balancerUrl: baseUrl, timeoutMs: 5_000, fetch: countingFetch });
    expect(asked).toEqual([`${baseUrl}/v1/websocket/server`]);
  });

  describe('bad answers are not retryable', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['a body that is not JSON', '<html>hello</html>', /not JSON/],
      ['a JSON array', '[]', /not a JSON object/],
      ['no endpoint', '{"location":"eu-1"}', /endpoint missing/],
      ['a numeric endpoint', '{"endpoint":42}', /endpoint must be a string/],
      ['an http:// endpoint', '{"endpoint":"http://127.0.0.1:9/ws"}', /endpoint must be a ws\(s\) URL$/],
      ['a relative endpoint', '{"endpoint":"/ws"}', /endpoint must be a ws\(s\) URL$/],
      ['an endpoint with a fragment', '{"endpoint":"ws://127.0.0.1:9/ws#x"}', /endpoint must be a URL without a fragment$/],
    ];
    it.each(cases)('%s', async (_name, body, reason) => {
      handler = (_request, response) => answer(response, 200, body, true);
      const error = await failure();
      expect(error.retryable).toBe(false);
      expect(error.status).toBe(200);
      expect(error.message).toMatch(/^bad balancer answer: /);
      expect(error.message).toMatch(reason);
      expect(error.code).toBe('balancer');
    });
  });

  it.each([500, 503, 429])('HTTP %i is retryable', async (status) => {
    handler = (_request, response) => answer(response, status, { error: 'busy' });
    const error = await failure();
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(status);
    expect(error.code).toBe('balancer');
    expect(error).toBeInstanceOf(BalancerError);
  });

  it.each([404, 401, 201])('HTTP %i is not retryable', async (status) => {
    handler = (_request, response) => answer(response, status, { endpoint: 'ws://127.0.0.1:9/ws' });
    const error = await failure();
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(status);
    expect(error.code).toBe('balancer');
  });

  it('a refused connection is retryable and names the cause', async () => {
    const port = await closedPort();
    const error = await failure({ balancerUrl: `http://127.0.0.1:${port}` });
    expect(error.retryable).toBe(true);
    expect(error.status).toBeUndefined();
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('a balancer that never answers times out, retryable', async () => {
    handler = () => {
      // Never answers; afterEach closes the connection.
    };
    const error = await failure({ timeoutMs: 100 });
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('balancer timed out');
  });

  it('a balancer that sends headers but never the body times out too', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"endpoint":');
    };
    const error = await failure({ timeoutMs: 100 });
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('balancer timed out');
  });

  it('a fetch that ignores its signal still times out', async () => {
    const deafFetch: typeof fetch = () => new Promise<Response>(() => {});
    const error = await failure({ timeoutMs: 100, fetch: deafFetch });
    expect(error.retryable).toBe(true);
  });

  it("the caller's abort ends the call with a non-retryable error", async () => {
    const controller = new AbortController();
    handler = () => controller.abort(new Error('state left'));
    const error = await failure({ signal: controller.signal });
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('balancer call aborted');
    expect(requests).toHaveLength(1);
  });

  it('an already aborted signal sends no request', async () => {
    const error = await failure({ signal: AbortSignal.abort() });
    expect(error.retryable).toBe(false);
    expect(requests).toHaveLength(0);
  });

  it('rejects an unusable balancer URL without a request', async () => {
    expect((await failure({ balancerUrl: 'not a url' })).retryable).toBe(false);
    const wrongScheme = await failure({ balancerUrl: 'ws://127.0.0.1:9' });
    expect(wrongScheme.retryable).toBe(false);
    expect(wrongScheme.message).toBe('balancer URL must be http(s)');
    expect(requests).toHaveLength(0);
  });

  it('never puts the query or credentials of the balancer URL in a message', async () => {
    handler = (_request, response) => answer(response, 503, {});
    const error = await failure({ balancerUrl: `${baseUrl}/?apiKey=secret-key` });
    expect(error.message).not.toContain('secret-key');
    expect(error.status).toBe(503);

    const withCredentials = await failure({ balancerUrl: `http://user:hunter2@127.0.0.1:${(server.address() as AddressInfo).port}/?apiKey=secret-key` });
    expect(withCredentials.retryable).toBe(false);
    expect(withCredentials.message).toBe('balancer URL must not carry credentials');
    expect(withCredentials.message).not.toContain('hunter2');
    expect(withCredentials.message).not.toContain('secret-key');

    const port = await closedPort();
    const refused = await failure({ balancerUrl: `http://127.0.0.1:${port}/?apiKey=secret-key` });
    expect(refused.message).not.toContain('secret-key');
  });

  describe('leaves no timer behind', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    // A fetch answering at once keeps the check free of network timers, so the count is ours alone.
    const answering = (status: number, body: string): typeof fetch => () => Promise.resolve(new Response(body, { status }));
    const cases: Array<[string, typeof fetch]> = [
      ['a good answer', answering(200, '{"endpoint":"ws://127.0.0.1:9/ws"}')],
      ['a bad answer', answering(200, 'nope')],
      ['a 503', answering(503, '')],
      ['a network error', () => Promise.reject(new TypeError('fetch failed'))],
    ];
    it.each(cases)('after %s', async (_name, answeringFetch) => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      await resolveEndpoint({ balancerUrl: baseUrl, timeoutMs: 60_000, fetch: answeringFetch }).catch(() => undefined);
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
