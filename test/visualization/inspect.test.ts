import { createWebSocketInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import type { AnyEventObject, InspectionEvent, MachineContext } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { OptionsError, createSession, type SessionOptions } from '../../src/node.js';
import { publicStateName } from '../../src/machine/session-machine.js';
import { eventually, openSession, startServer, waitForState } from '../helpers/session-harness.js';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (stops.length > 0) await stops.pop()?.();
});

/** The public state name (as `state$` shows it) of a session machine's snapshot ('' for actors without states). */
function topLevel(snapshot: unknown): string {
  const { value, context } = snapshot as { value?: unknown; context?: { resume?: boolean } };
  if (value === undefined) return '';
  return publicStateName(value, { resume: context?.resume === true });
}

/** The public state of a snapshot the inspector received ('' for actors without states). */
function stateOf(event: StatelyInspectionEvent): string {
  return event.type === '@xstate.snapshot' ? topLevel(event.snapshot) : '';
}

/** The top-level states an inspector saw the root actor in, consecutive repeats removed. */
function rootStates(events: readonly InspectionEvent[], rootRef: unknown): string[] {
  const values = events
    .filter((event): event is Extract<InspectionEvent, { type: '@xstate.snapshot' }> => event.type === '@xstate.snapshot' && event.actorRef === rootRef)
    .map((event) => topLevel(event.snapshot));
  return values.filter((value, index) => index === 0 || values[index - 1] !== value);
}

describe('createSession({ inspect })', () => {
  it('hands every actor, event and snapshot of a connecting session to an inspector function', async () => {
    const server = await startServer({ auth: { licenses: ['L-1'] } });
    const seen: InspectionEvent[] = [];
    const session = openSession({ balancer: server.balancerUrl, auth: { license: 'L-1' }, lazy: false, inspect: (event) => seen.push(event) });
    await waitForState(session, 'authorized');

    expect(rootStates(seen, session.actor)).toEqual(['idle', 'resolving', 'connecting', 'initializing', 'authorizing', 'authorized']);
    const actorIds = seen.filter((event) => event.type === '@xstate.actor').map((event) => (event.actorRef as { id?: string }).id);
    expect(actorIds).toEqual(expect.arrayContaining(['socket']));
    expect(seen.some((event) => event.type === '@xstate.actor' && event.actorRef === session.actor)).toBe(true);
    const eventTypes = seen.filter((event) => event.type === '@xstate.event' && event.actorRef === session.actor).map((event) => (event as { event: AnyEventObject }).event.type);
    expect(eventTypes).toEqual(expect.arrayContaining(['START', 'SOCKET.OPEN', 'LIFECYCLE.RESULT']));
    // Nested states are visible too: the connecting phase passes through its substates.
    const nested = seen.filter((event) => event.type === '@xstate.snapshot' && event.actorRef === session.actor).map((event) => (event as { snapshot: { value?: unknown } }).snapshot.value);
    expect(nested).toContainEqual({ connection: 'opening' });
  });

  it('accepts an observer with next(), as @statelyai/inspect hands out', async () => {
    const server = await startServer();
    const seen: InspectionEvent[] = [];
    const session = openSession({ endpoint: server.endpointUrl, lazy: false, inspect: { next: (event) => seen.push(event) } });
    await waitForState(session, 'authorized');
    await session.close();
    expect(rootStates(seen, session.actor)).toEqual(['idle', 'connecting', 'initializing', 'authorized', 'closed']);
  });

  it('refuses an inspect option that is neither a function nor an observer', () => {
    expect(() => createSession({ endpoint: 'ws://127.0.0.1:1/ws', inspect: {} } as unknown as SessionOptions)).toThrow(OptionsError);
    expect(() => createSession({ endpoint: 'ws://127.0.0.1:1/ws', inspect: 'yes' } as unknown as SessionOptions)).toThrow(/inspect/);
  });
});

/** The recipe of docs/visualization.md, word for word: only the session actor, event payloads and secrets left out. */
const redactedInspection = {
  filter: (event: StatelyInspectionEvent) => event.sessionId === event.rootId,
  sanitizeEvent: (event: AnyEventObject) => ({ type: event.type }),
  sanitizeContext: (context: MachineContext) => {
    const { input: _input, token: _token, resumeId: _resumeId, ...rest } = context ?? {};
    return rest;
  },
};

describe('@statelyai/inspect', () => {
  /** A stand-in for the inspector relay (`createInspectorServer` of `@statelyai/inspect/server`) on 127.0.0.1, port 0. */
  async function startRelay(): Promise<{ url: string; received: StatelyInspectionEvent[]; raw: string[] }> {
    const relay = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => relay.once('listening', resolve));
    const received: StatelyInspectionEvent[] = [];
    const raw: string[] = [];
    const sockets = new Set<ServerSocket>();
    relay.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('message', (data) => {
        const text = String(data);
        raw.push(text);
        received.push(JSON.parse(text) as StatelyInspectionEvent);
      });
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.terminate();
          relay.close(() => resolve());
        }),
    );
    const address = relay.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected pipe address');
    return { url: `ws://127.0.0.1:${address.port}`, received, raw };
  }

  it("createWebSocketInspector's inspect streams the session machine to an inspector server", async () => {
    const relay = await startRelay();
    const server = await startServer();
    const inspector = createWebSocketInspector({ url: relay.url });
    stops.push(() => inspector.stop());
    const session = openSession({ endpoint: server.endpointUrl, lazy: false, inspect: inspector.inspect });
    await waitForState(session, 'authorized');

    await eventually(
      () => relay.received.some((event) => event.type === '@xstate.snapshot' && stateOf(event) === 'authorized'),
      'an authorized snapshot at the relay',
      5_000,
    );
    const machine = relay.received.find((event) => event.type === '@xstate.actor' && event.name === 'session');
    expect(machine?.type === '@xstate.actor' ? machine.definition : undefined).toContain('"reconnecting"');
  });

  it('with the documented sanitizers, no credential reaches the inspector', async () => {
    const relay = await startRelay();
    const server = await startServer({ auth: { tokens: ['secret-token-1'], licenses: ['secret-license-1'] } });
    const inspector = createWebSocketInspector({ url: relay.url, ...redactedInspection });
    stops.push(() => inspector.stop());
    const tokenSession = openSession({ endpoint: server.endpointUrl, lazy: false, auth: { token: () => 'secret-token-1' }, inspect: inspector.inspect });
    const licenseSession = openSession({ endpoint: server.endpointUrl, lazy: false, auth: { license: 'secret-license-1' }, inspect: inspector.inspect });
    await waitForState(tokenSession, 'authorized');
    await waitForState(licenseSession, 'authorized');
    await eventually(
      () => relay.received.filter((event) => event.type === '@xstate.snapshot' && stateOf(event) === 'authorized').length >= 2,
      'two authorized snapshots at the relay',
      5_000,
    );
    const everything = relay.raw.join('\n');
    expect(everything).not.toContain('secret-token-1');
    expect(everything).not.toContain('secret-license-1');
    // What is left still draws the chart: the machine's definition and its states.
    expect(relay.received.some((event) => event.type === '@xstate.actor' && event.name === 'session' && event.definition?.includes('"authorizing"'))).toBe(true);
    const licenseRoot = relay.received.find((event) => event.type === '@xstate.snapshot' && stateOf(event) === 'authorizing')?.rootId;
    const licenseStates = relay.received.filter((event) => event.type === '@xstate.snapshot' && event.rootId === licenseRoot).map(stateOf);
    expect(licenseStates).toEqual(expect.arrayContaining(['idle', 'connecting', 'initializing', 'authorizing', 'authorized']));
  });
});
