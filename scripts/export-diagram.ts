/**
 * Writes docs/state-chart.md (a Mermaid diagram and transition tables) and docs/state-chart.json
 * (the machine's JSON definition) from the real session machine, and refreshes the generated
 * sections of the guides (the lifecycle guide's overview chart and close-code table). Run with
 * `npm run diagram` after changing the machine or the close-code table;
 * test/visualization/diagram.test.ts fails until you do.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sessionMachine } from '../src/machine/session-machine.js';
import { diagramFiles } from './diagram.js';
import { guideSections, updateGeneratedSections } from './doc-sections.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, content] of Object.entries(diagramFiles(sessionMachine))) {
  const target = resolve(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote ${path}`);
}
for (const [path, sections] of Object.entries(guideSections(sessionMachine))) {
  const target = resolve(root, path);
  writeFileSync(target, updateGeneratedSections(readFileSync(target, 'utf8'), sections));
  console.log(`updated the generated sections of ${path}`);
}
