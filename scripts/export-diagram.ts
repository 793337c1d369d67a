/**
 * Writes docs/state-chart.md (a Mermaid diagram and transition tables) and docs/state-chart.json
 * (the machine's JSON definition) from the real session machine. Run with `npm run diagram` after
 * changing the machine; test/visualization/diagram.test.ts fails until you do.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sessionMachine } from '../src/machine/session-machine.js';
import { diagramFiles } from './diagram.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, content] of Object.entries(diagramFiles(sessionMachine))) {
  const target = resolve(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote ${path}`);
}
