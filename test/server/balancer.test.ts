import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer } from '../../src/testing/index.js';
import type { TestServer } from '../../src/testing/index.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function resolveEndpoint(base: string, init?: RequestInit): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`${base}/v1/websocket/server`, { headers: { Accept: 'application/json' }, ...init });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

describe('balancer', () => {
  it('answers GET /v1/websocket/server with 200 {endpoint, location}', async () => {
    server = await createTestServer({ location: 'eu-1' });
    const answer = await resolveEndpoint(server.balancerUrl);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(answer.body)).toEqual({ endpoint: server.endpointUrl, location: 'eu-1' });
    expect(server.endpointUrl).toBe(`ws://127.0.0.1:${server.port}/ws`);
    expect(server.balancerUrl).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('allows any origin, so browser pages can call it', async () => {
    server = await createTestServer();
    const answer = await resolveEndpoint(server.balancerUrl);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers every other path and method with 404', async () => {
    server = await createTestServer();
    expect((await fetch(`${server.balancerUrl}/`)).status).toBe(404);
    expect((await fetch(`${server.balancerUrl}/v1/websocket/server/x`)).status).toBe(404);
    expect((await fetch(`${server.balancerUrl}/v1/websocket/server`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${server.balancerUrl}/v1/websocket/server`, { method: 'DELETE' })).status).toBe(404);
    // A plain HTTP GET of the WebSocket path is not the balancer either.
    expect((await fetch(`${server.balancerUrl}/ws`)).status).toBe(404);
    expect(server.stats().balancerCalls).toBe(0);
  });

  it('counts and records calls', async () => {
    server = await createTestServer();
    await resolveEndpoint(server.balancerUrl);
    await resolveEndpoint(server.balancerUrl);
    await fetch(`${server.balancerUrl}/other`);
    expect(server.stats().balancerCalls).toBe(2);
    expect(server.balancerRequests().map((request) => [request.method, request.path, request.status])).toEqual([
      ['GET', '/v1/websocket/server', 200],
      ['GET', '/v1/websocket/server', 200],
      ['GET', '/other', 404],
    ]);
  });

  it('answers the next N calls with an injected status, then normally', async () => {
    server = await createTestServer();
    server.faults.balancerStatus(503, 2);
    const first = await resolveEndpoint(server.balancerUrl);
    const second = await resolveEndpoint(server.balancerUrl);
    const third = await resolveEndpoint(server.balancerUrl);
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(JSON.parse(third.body).endpoint).toBe(server.endpointUrl);
    expect(server.balancerRequests()[0]?.faults).toEqual(['status']);
  });

  it('injects 4xx statuses with a custom body', async () => {
    server = await createTestServer();
    server.faults.balancerStatus(403, 1, 'forbidden');
    const answer = await resolveEndpoint(server.balancerUrl);
    expect(answer.status).toBe(403);
    expect(answer.body).toBe('forbidden');
  });

  it('answers with a malformed body when asked', async () => {
    server = await createTestServer();
    server.faults.balancerMalformed();
    const broken = await resolveEndpoint(server.balancerUrl);
    expect(broken.status).toBe(200);
    expect(() => JSON.parse(broken.body)).toThrow();
    server.faults.balancerMalformed(1, '{"endpoint":"http://not-a-websocket"}');
    expect(JSON.parse((await resolveEndpoint(server.balancerUrl)).body)).toEqual({ endpoint: 'http://not-a-websocket' });
    expect(JSON.parse((await resolveEndpoint(server.balancerUrl)).body).endpoint).toBe(server.endpointUrl);
  });

  it('delays the next answer', async () => {
    server = await createTestServer();
    server.faults.balancerDelay(150);
    const started = Date.now();
    const answer = await resolveEndpoint(server.balancerUrl);
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(server.balancerRequests()[0]?.faults).toEqual(['delay']);
  });

  it('returns an overridden endpoint (failover to another instance)', async () => {
    server = await createTestServer({ balancerEndpoint: 'ws://127.0.0.1:1/elsewhere' });
    expect(JSON.parse((await resolveEndpoint(server.balancerUrl)).body).endpoint).toBe('ws://127.0.0.1:1/elsewhere');
    let calls = 0;
    server.setBalancerEndpoint(() => `ws://127.0.0.1:1/instance-${++calls}`);
    expect(JSON.parse((await resolveEndpoint(server.balancerUrl)).body).endpoint).toBe('ws://127.0.0.1:1/instance-1');
    server.setBalancerEndpoint(undefined);
    expect(JSON.parse((await resolveEndpoint(server.balancerUrl)).body).endpoint).toBe(server.endpointUrl);
  });

  it('restore() disarms balancer faults', async () => {
    server = await createTestServer();
    server.faults.balancerStatus(500, 5);
    server.faults.restore();
    expect((await resolveEndpoint(server.balancerUrl)).status).toBe(200);
  });

  it('close() cancels a pending delayed answer and releases the port', async () => {
    server = await createTestServer();
    server.faults.balancerDelay(10_000);
    const pending = resolveEndpoint(server.balancerUrl).then(
      () => 'answered',
      () => 'failed',
    );
    // Let the request reach the server and start its delay.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.stats().balancerCalls).toBe(1);
    const closing = server.close();
    expect(await pending).toBe('failed');
    await closing;
    await expect(fetch(`${server.balancerUrl}/v1/websocket/server`)).rejects.toThrow();
  });
});
