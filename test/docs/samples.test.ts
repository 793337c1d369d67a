import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The code samples of the guides and the README must compile against the real sources: every ```ts
 * block of docs/*.md and README.md that imports from 'wirestate' is type-checked as a module of its own, with 'wirestate'
 * and 'wirestate/testing' mapped to src/. Fragments without such an import (an object literal, a
 * call with made-up variables) are prose and are not checked.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const docs = resolve(root, 'docs');

interface Sample {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

/** `file` is relative to docs/, so the README is `../README.md`. */
function samplesOf(file: string): Sample[] {
  const lines = readFileSync(resolve(docs, file), 'utf8').split('\n');
  const samples: Sample[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (lines[index]?.trim() !== '```ts') continue;
    const start = index + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    const code = lines.slice(start, end).join('\n');
    if (/from 'wirestate(\/(testing|msgpack|bson|devtools))?'/.test(code)) samples.push({ file, line: start + 1, code });
    index = end;
  }
  return samples;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = resolve(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return {
    ...parsed.options,
    noEmit: true,
    paths: {
      wirestate: [resolve(root, 'src/node.ts')],
      'wirestate/testing': [resolve(root, 'src/testing/index.ts')],
      'wirestate/msgpack': [resolve(root, 'src/msgpack.ts')],
      'wirestate/bson': [resolve(root, 'src/bson.ts')],
      'wirestate/devtools': [resolve(root, 'src/devtools/node.ts')],
    },
  };
}

describe('code samples in docs/*.md and README.md', () => {
  const files = [...readdirSync(docs).filter((name) => name.endsWith('.md')), '../README.md'];
  const samples = files.flatMap(samplesOf);

  it('exist (the guides show real code)', () => {
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.filter((sample) => sample.file === '../README.md').length).toBeGreaterThanOrEqual(3);
  });

  it('type-check against src/', () => {
    const options = compilerOptions();
    // Each sample lives, virtually, next to the docs so that rxjs, xstate and @statelyai/inspect resolve from node_modules.
    const virtual = new Map(samples.map((sample, index) => [resolve(docs, `__sample_${index}.ts`), sample]));
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
      const sample = virtual.get(resolve(fileName));
      // `export {}` makes every sample a module, so top-level await and local names are allowed.
      if (sample !== undefined) return ts.createSourceFile(fileName, `${sample.code}\nexport {};\n`, languageVersion, true);
      return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (fileName) => virtual.has(resolve(fileName)) || fileExists(fileName);

    const program = ts.createProgram([...virtual.keys()], options, host);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file !== undefined && virtual.has(resolve(diagnostic.file.fileName)))
      .map((diagnostic) => {
        const file = diagnostic.file as ts.SourceFile;
        const sample = virtual.get(resolve(file.fileName)) as Sample;
        const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        return `docs/${sample.file}:${sample.line + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  }, 60_000);
});
