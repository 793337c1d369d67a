import { inspect } from 'node:util';
import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { AuthOptions } from '../../src/node.js';
import { Secret } from '../../src/secret.js';
import { openSession, startServer, waitForState } from '../helpers/session-harness.js';

const TOKEN = 'TOKEN-abcdef0123456789';
const LICENSE = 'LICENSE-abcdef0123456789';
const PASSWORD = 'PASSWORD-abcdef0123456789';
const SECRETS = [TOKEN, LICENSE, PASSWORD];

const FORMS: ReadonlyArray<readonly [string, AuthOptions]> = [
  ['a license', { license: LICENSE }],
  ['a username and password', { username: 'alice', password: PASSWORD }],
  ['a token in the subprotocol', { token: TOKEN }],
  ['a token provider in the query', { token: async () => TOKEN, transport: 'query' }],
  ['a token in the authorize packet', { token: () => TOKEN, transport: 'packet' }],
];

function expectNoSecret(text: string, what: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${what} shows ${secret}`).toBe(false);
}

describe('a live session prints without its secrets', () => {
  it.each(FORMS)('authorized with %s', async (_form, auth) => {
    const server = await startServer({ auth: { tokens: [TOKEN], licenses: [LICENSE], users: { alice: PASSWORD } } });
    const events: InspectionEvent[] = [];
    const session = openSession({ endpoint: `${server.endpointUrl}?ticket=TICKET-0123`, auth, lazy: false, inspect: (event) => events.push(event) });
    await waitForState(session, 'authorized');
    const snapshot = session.actor.getSnapshot();

    expectNoSecret(inspect(session), 'util.inspect(session)');
    expectNoSecret(JSON.stringify(session), 'JSON.stringify(session)');
    expectNoSecret(inspect(snapshot.context, { depth: Infinity }), 'util.inspect(context)');
    expectNoSecret(JSON.stringify(snapshot.context), 'JSON.stringify(context)');
    expectNoSecret(inspect(snapshot, { depth: 6 }), 'util.inspect(snapshot)');
    expectNoSecret(JSON.stringify(snapshot), 'JSON.stringify(snapshot)');
    expectNoSecret(inspect(session.actor, { depth: 5 }), 'util.inspect(actor)');
    // What an inspector (the state-chart viewer) is sent: every event and snapshot, serialized.
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) {
      if (event.type === '@xstate.event') expectNoSecret(JSON.stringify(event.event), `inspected event ${event.event.type}`);
      if (event.type === '@xstate.snapshot') expectNoSecret(JSON.stringify(event.snapshot), 'inspected snapshot');
    }
    // The session's own summary: the state, and the endpoint without its query values.
    expect(inspect(session)).toMatch(/^Session \{\n? *state: 'authorized'/);
    expect(JSON.parse(JSON.stringify(session))).toMatchObject({ state: 'authorized', endpoint: expect.stringMatching(/\?ticket=…$/) });
    expect(inspect(session)).not.toContain('TICKET-0123');
  });
});

describe('Secret', () => {
  it('shows [redacted] to inspect, JSON and string conversion, and gives the value to reveal()', () => {
    const secret = new Secret({ password: PASSWORD });
    expect(inspect({ secret }, { depth: Infinity, showHidden: true })).not.toContain(PASSWORD);
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(`${String(secret)}`).toBe('[redacted]');
    expect(secret.reveal()).toEqual({ password: PASSWORD });
  });
});
