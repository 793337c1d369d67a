import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { sessionMachine } from '../../src/machine/session-machine.js';
import { diagramFiles, machineToJson, machineToMermaid, transitionTable } from '../../scripts/diagram.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

describe('the committed state chart', () => {
  it.each(Object.entries(diagramFiles(sessionMachine)))('%s is up to date with the machine (run `npm run diagram` if not)', (path, generated) => {
    let committed: string;
    try {
      committed = readFileSync(resolve(root, path), 'utf8');
    } catch {
      throw new Error(`${path} is missing: run \`npm run diagram\` and commit it.`);
    }
    if (committed !== generated) throw new Error(`${path} is out of date with src/machine/session-machine.ts: run \`npm run diagram\` and commit the result.`);
    expect(committed).toBe(generated);
  });

  it('shows every top-level state, the substates of connecting, resuming and authorized, and names every guard', () => {
    const mermaid = machineToMermaid(sessionMachine);
    for (const state of ['idle', 'resolving', 'connecting', 'initializing', 'authorizing', 'authorized', 'resuming', 'reconnecting', 'closed']) {
      expect(mermaid).toMatch(new RegExp(`^  ${state} `, 'm'));
    }
    for (const substate of ['connecting_preparing', 'connecting_opening', 'authorized_watching', 'authorized_probing', 'resuming_preparing', 'resuming_connecting', 'resuming_initializing']) {
      expect(mermaid).toContain(`as ${substate}`);
    }
    expect(mermaid).toContain('  [*] --> idle');
    expect(mermaid).toContain('  closed --> [*]');
    expect(mermaid).toContain('reconnecting --> resuming : after retryDelay [nextStepIsResume]');
    expect(mermaid).toContain('connecting --> initializing : opening · SOCKET.OPEN [needsInitialize]');
    const table = transitionTable(sessionMachine);
    for (const guard of Object.keys(sessionMachine.implementations.guards)) expect(table).toContain(guard);
    expect(table).not.toContain('inline guard');
  });

  it('exports the JSON definition with every state and no function left unnamed', () => {
    const definition = JSON.parse(machineToJson(sessionMachine)) as { id: string; states: Record<string, { states: Record<string, unknown> }> };
    expect(definition.id).toBe('session');
    expect(Object.keys(definition.states)).toEqual(['idle', 'resolving', 'connecting', 'initializing', 'authorizing', 'authorized', 'resuming', 'reconnecting', 'closed']);
    expect(Object.keys(definition.states.resuming?.states ?? {})).toEqual(['preparing', 'connecting', 'initializing']);
    // JSON.stringify alone would turn inline actions into null and drop composed guards.
    const unnamed: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (Array.isArray(value)) value.forEach((item, index) => (item === null && path.endsWith('actions') ? unnamed.push(`${path}[${index}]`) : walk(item, path)));
      else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
    };
    walk(definition, '');
    expect(unnamed).toEqual([]);
    expect(JSON.stringify(definition)).toContain('{"type":"xstate.and","guards":["closeMeansNewSessionNow","hasBalancer"]}');
  });
});

describe('machineToMermaid', () => {
  const machine = setup({
    guards: { ready: () => true, allowed: () => true },
    actions: { log: () => undefined },
    delays: { patience: 100 },
  }).createMachine({
    id: 'door',
    initial: 'closed',
    on: { RESET: { target: '.closed' } },
    states: {
      closed: { on: { OPEN: { guard: and(['ready', 'allowed']), target: 'open' } } },
      open: {
        initial: 'swinging',
        states: {
          swinging: { after: { 250: 'still' } },
          still: { on: { SLAM: { target: '#door.closed' }, KNOCK: { actions: 'log' } } },
        },
        after: { patience: { target: 'locked', guard: 'ready' } },
      },
      locked: { type: 'final' },
    },
  });

  it('draws initial and final states, lifts edges out of composites, and turns root transitions into a note', () => {
    expect(machineToMermaid(machine)).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> closed',
        '  locked --> [*]',
        '  closed --> open : OPEN [ready and allowed]',
        '  open --> locked : after patience [ready]',
        '  open --> closed : still · SLAM',
        '  state open {',
        '    state "swinging" as open_swinging',
        '    state "still" as open_still',
        '    [*] --> open_swinging',
        '    open_swinging --> open_still : after 250 ms',
        '    open_still : KNOCK / log',
        '  }',
        '  note right of locked : RESET from any state to closed',
        '',
      ].join('\n'),
    );
  });

  it('lists every transition in the table, targetless ones as (stays)', () => {
    const table = transitionTable(machine);
    expect(table).toContain('| door | RESET |  | closed |  |');
    expect(table).toContain('| open.still | KNOCK |  | (stays) | log |');
    expect(table).toContain('| closed | OPEN | ready and allowed | open |  |');
  });
});
