/**
 * The balancer of docs/protocol.md section 1: `GET /v1/websocket/server` answers
 * `{endpoint, location}`; everything else is 404. Injected faults change the next answers. Internal.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BALANCER_PATH } from '../constants.js';
import type { ServerContext } from './context.js';
import type { BalancerRequestRecord } from './records.js';


/** The default body of the `balancerMalformed` fault: JSON cut short. */
export const DEFAULT_MALFORMED_BODY = '{"endpoint":';

/**
 * Browsers call the balancer from another origin (a test page, a dev server), so every answer
 * allows any origin. The GET with `Accept: application/json` needs no preflight, but one is answered
 * anyway.
 */
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, OPTIONS',
  'Access-Control-Allow-Headers': '*',
};

type Fault = BalancerRequestRecord['faults'][number];

export function createBalancerHandler(
  context: ServerContext,
  endpoint: () => string,
): (request: IncomingMessage, response: ServerResponse) => void {
  const send = (response: ServerResponse, status: number, body: string | undefined, contentType = 'application/json'): void => {
    response.writeHead(status, {
      ...CORS_HEADERS,
      'Cache-Control': 'no-store',
      ...(body !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) } : {}),
    });
    response.end(body);
  };

  const answer = async (request: IncomingMessage, response: ServerResponse, path: string, time: number): Promise<void> => {
    const record = (status: number, faults: Fault[] = []): void => {
      const entry: BalancerRequestRecord = { time, method: request.method ?? 'GET', path, status, faults };
      context.recorder.balancer(entry);
      context.events.emit('balancer', entry);
    };
    if (path !== BALANCER_PATH || (request.method !== 'GET' && request.method !== 'OPTIONS')) {
      send(response, 404, JSON.stringify({ error: `not found: ${request.method ?? ''} ${path}` }));
      record(404);
      return;
    }
    if (request.method === 'OPTIONS') {
      send(response, 204, undefined);
      record(204);
      return;
    }
    context.counters.balancerCalls++;
    const faults: Fault[] = [];
    const { faults: armed } = context;
    const delayMs = armed.balancerDelay.take();
    if (delayMs !== undefined) {
      faults.push('delay');
      const elapsed = await context.delays.wait(delayMs);
      if (!elapsed || response.destroyed) {
        response.destroy();
        record(0, faults);
        return;
      }
    }
    const statusFault = armed.balancerStatus.take();
    if (statusFault !== undefined) {
      faults.push('status');
      send(response, statusFault.status, statusFault.body ?? JSON.stringify({ error: `injected status ${statusFault.status}` }));
      record(statusFault.status, faults);
      return;
    }
    const malformed = armed.balancerMalformed.take();
    if (malformed !== undefined) {
      faults.push('malformed');
      send(response, 200, malformed);
      record(200, faults);
      return;
    }
    send(response, 200, JSON.stringify({ endpoint: endpoint(), location: context.options.location }));
    record(200, faults);
  };

  return (request, response) => {
    const time = Date.now();
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    // The request body (if any) is not needed; reading it lets keep-alive connections be reused.
    request.resume();
    answer(request, response, path, time).catch(() => {
      if (!response.headersSent) send(response, 500, JSON.stringify({ error: 'internal error' }));
      else response.destroy();
    });
  };
}
