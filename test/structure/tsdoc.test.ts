import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every export carries its own TSDoc (the project's rule). TypeDoc does not catch a class whose
 * comment drifted onto a module-private constant above it: it shows the comment of the interface
 * the class implements instead. Checked here on the folders whose exports are all API.
 */
const FOLDERS = ['src/codecs', 'src/streams'];

function exportsWithoutDoc(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const missing: string[] = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) || !ts.canHaveModifiers(statement)) continue;
    if (!ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const declaration = ts.isVariableStatement(statement) ? statement.declarationList.declarations[0] : statement;
    if (declaration === undefined || ts.getJSDocCommentsAndTags(declaration).length > 0) continue;
    const name = (declaration as { name?: ts.Node }).name;
    missing.push(`${file}: ${name?.getText(source) ?? '(unnamed)'}`);
  }
  return missing;
}

describe('TSDoc', () => {
  it('sits on every export of the API folders', () => {
    const files = FOLDERS.flatMap((folder) =>
      readdirSync(folder, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.ts'))
        .map((name) => join(folder, name)),
    );
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(exportsWithoutDoc)).toEqual([]);
  });
});
