import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Arrows point down only (DESIGN.md): no module under src/ may reach itself through its imports.
 * Type-only imports and dynamic `import()` count too, as they do for a reader following the code.
 * The graph is read with TypeScript's own import scanner, so nothing is installed for it.
 */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The graph of relative imports between files under src/: file -> files it imports. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((reference) => reference.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every elementary cycle reachable by depth-first search, each as its sorted member list. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found = new Map<string, string[]>();
  const onPath: string[] = [];
  const finished = new Set<string>();
  const visit = (file: string): void => {
    onPath.push(file);
    for (const target of graph.get(file) ?? []) {
      const at = onPath.indexOf(target);
      if (at !== -1) {
        const members = onPath.slice(at).sort();
        found.set(members.join('\n'), members);
      } else if (!finished.has(target)) visit(target);
    }
    onPath.pop();
    finished.add(file);
  };
  for (const file of graph.keys()) if (!finished.has(file)) visit(file);
  return [...found.values()];
}

describe('import cycles under src/', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(findCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(findCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });

  it('reads type-only imports, re-exports and dynamic imports as edges', () => {
    const graph = importGraph(sourceFiles(SRC));
    const edges = (from: string) => (graph.get(join(SRC, from)) ?? []).map((target) => relative(SRC, target));
    expect(edges('testing/context.ts')).toContain('testing/connection-types.ts'); // import type
    expect(edges('protocol/index.ts')).toContain('protocol/reference/index.ts'); // export … from
    expect(edges('session/shared/deferred.ts')).toContain('session/shared/shared-session.ts'); // import()
  });

  it('has no cycle anywhere under src/', () => {
    const cycles = findCycles(importGraph(sourceFiles(SRC))).map((members) => members.map((file) => relative(SRC, file).split('\\').join('/')).join(', '));
    expect(cycles).toEqual([]);
  });
});
