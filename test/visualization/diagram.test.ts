import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { sessionMachine } from '../../src/machine/session-machine.js';
import { diagramFiles, machineToJson, machineToMermaid, transitionTable } from '../../scripts/diagram.js';
import { closeCodeMarkdown, guideSections, overviewMermaid, updateGeneratedSections } from '../../scripts/doc-sections.js';
import { CLOSE_CODE_NAMES, REFERENCE_CLOSE_CODES } from '../../src/protocol/reference/index.js';

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

  it.each(Object.entries(guideSections(sessionMachine)))('the generated sections of %s are up to date (run `npm run diagram` if not)', (path, sections) => {
    const committed = readFileSync(resolve(root, path), 'utf8');
    if (updateGeneratedSections(committed, sections) !== committed) {
      throw new Error(`The generated sections of ${path} are out of date with the machine or the close-code table: run \`npm run diagram\` and commit the result.`);
    }
  });

  it('shows every top-level state, the substates of connection and authorized, a close once, and names every guard', () => {
    const mermaid = machineToMermaid(sessionMachine);
    for (const state of ['idle', 'resolving', 'preparing', 'connection', 'deciding', 'reconnecting', 'closed']) {
      expect(mermaid).toMatch(new RegExp(`^  ${state} `, 'm'));
    }
    for (const substate of ['connection_opening', 'connection_initializing', 'connection_authorizing', 'connection_authorized_watching', 'connection_authorized_checking', 'connection_authorized_probing', 'connection_authorized_confirming']) {
      expect(mermaid).toContain(`as ${substate}`);
    }
    expect(mermaid).toContain('  [*] --> idle');
    expect(mermaid).toContain('  closed --> [*]');
    expect(mermaid).toContain('  connection : invokes socket');
    expect(mermaid).toContain('reconnecting --> resolving : after retryDelay [asksBalancer]');
    expect(mermaid).toContain('connection_opening --> connection_initializing : SOCKET.OPEN [needsInitialize]');
    // A close leaves the compound state once, whatever inner state the connection was in.
    expect(mermaid.split('\n').filter((line) => line.includes('SOCKET.CLOSED'))).toEqual(['  connection --> deciding : SOCKET.CLOSED']);
    expect(transitionTable(sessionMachine).split('\n').filter((line) => line.includes('SOCKET.CLOSED'))).toHaveLength(1);
    const table = transitionTable(sessionMachine);
    for (const guard of Object.keys(sessionMachine.implementations.guards)) expect(table).toContain(guard);
    expect(table).not.toContain('inline guard');
  });

  it('exports the JSON definition with every state and no function left unnamed', () => {
    const definition = JSON.parse(machineToJson(sessionMachine)) as { id: string; states: Record<string, { states: Record<string, unknown> }> };
    expect(definition.id).toBe('session');
    expect(Object.keys(definition.states)).toEqual(['idle', 'resolving', 'preparing', 'connection', 'deciding', 'reconnecting', 'closed']);
    expect(Object.keys(definition.states.connection?.states ?? {})).toEqual(['opening', 'initializing', 'authorizing', 'authorized']);
    // JSON.stringify alone would turn inline actions into null and drop composed guards.
    const unnamed: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (Array.isArray(value)) value.forEach((item, index) => (item === null && path.endsWith('actions') ? unnamed.push(`${path}[${index}]`) : walk(item, path)));
      else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
    };
    walk(definition, '');
    expect(unnamed).toEqual([]);
    expect(JSON.stringify(definition)).toContain('"src":"socket"');
  });

  it('names composed guards in the JSON definition', () => {
    const machine = setup({ guards: { ready: () => true, allowed: () => true } }).createMachine({
      initial: 'closed',
      states: { closed: { on: { OPEN: { guard: and(['ready', 'allowed']), target: 'open' } } }, open: {} },
    });
    expect(JSON.stringify(JSON.parse(machineToJson(machine)))).toContain('{"type":"xstate.and","guards":["ready","allowed"]}');
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

describe('generated guide sections', () => {
  it('the overview keeps top-level states only, one edge per pair with its events', () => {
    const overview = overviewMermaid(sessionMachine);
    expect(overview).toContain('  reconnecting --> preparing : after retryDelay');
    expect(overview).toContain('  connection --> deciding : SOCKET.CLOSED');
    expect(overview).toContain('  deciding --> closed : always [closeIsFatal]');
    expect(overview).not.toMatch(/_/); // no inner state
    expect(overview).not.toContain('connection --> connection'); // the phases and the liveness loop stay inside
    expect(overview.split('\n').filter((line) => line.startsWith('  idle --> resolving'))).toHaveLength(1);
  });

  it('the close-code table gives every code of the reference table its reaction', () => {
    const table = closeCodeMarkdown(REFERENCE_CLOSE_CODES, CLOSE_CODE_NAMES);
    for (const [code, reaction] of Object.entries(REFERENCE_CLOSE_CODES.codes)) {
      expect(table).toMatch(new RegExp(`^\\| ${code} \\| .*\\| \`${reaction}\` \\|$`, 'm'));
    }
    expect(table).toMatch(/^\| 1010 \| MandatoryExtension \| .*1000-1999 range.*\| `resume-after-backoff` \|$/m);
    expect(table).toMatch(/^\| other 4000-4999 \| \| .*\| `fatal` \|$/m);
  });

  it('rewrites only what is between the markers, and insists on them', () => {
    const page = 'intro\n<!-- generated:x -->\nold\n<!-- /generated:x -->\noutro\n';
    expect(updateGeneratedSections(page, { x: 'new' })).toBe('intro\n<!-- generated:x -->\nnew\n<!-- /generated:x -->\noutro\n');
    expect(() => updateGeneratedSections(page, { y: 'new' })).toThrow(/generated:y/);
  });
});
