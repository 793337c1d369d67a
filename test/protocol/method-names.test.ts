import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLAIN_STREAMS_METHODS, REFERENCE_METHODS } from '../../src/protocol/index.js';

/**
 * The core must not care which dialect it speaks (issue 7): wire method names live in the protocol
 * layer (and in the test server, which speaks the dialects). Anywhere else, code, comments and TSDoc
 * examples alike, a method name is a sign that dialect knowledge leaked out of `src/protocol/`.
 */

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** Folders of src/ allowed to name wire methods. */
const ALLOWED = ['protocol', 'testing'];
const METHOD_NAMES = [...new Set([...Object.values(REFERENCE_METHODS), ...Object.values(PLAIN_STREAMS_METHODS)])];
const MENTION = new RegExp(`\\b(?:${METHOD_NAMES.join('|')})\\b`, 'g');

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every mention of a method name in `text`, as `line:column name`. */
function mentions(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(MENTION)) found.push(`${index + 1}:${(match.index ?? 0) + 1} ${match[0]}`);
  });
  return found;
}

describe('method names stay in src/protocol/', () => {
  it('knows the method names of both built-in dialects', () => {
    expect(METHOD_NAMES).toEqual(expect.arrayContaining(['INITIALIZE', 'AUTHORIZE', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PING']));
  });

  it('finds mentions in code and comments, but not inside longer words or in lower case', () => {
    expect(mentions("send({ method: 'PING' });\n// then SUBSCRIBE [\"a\"]")).toEqual(['1:17 PING', '2:9 SUBSCRIBE']);
    expect(mentions("{ type: 'LIVENESS.PINGED' } // subscribe, INITIALIZED, UNSUBSCRIBED")).toEqual([]);
  });

  it('no file outside src/protocol/ and src/testing/ mentions one', () => {
    const checked = filesUnder(SRC).filter((path) => !ALLOWED.includes(relative(SRC, path).split(sep)[0] ?? ''));
    // Guards against a scan that silently reads nothing (a moved src/ folder, a broken filter).
    expect(checked.length).toBeGreaterThan(20);
    expect(checked.some((path) => path.endsWith(`machine${sep}session-machine.ts`))).toBe(true);
    const violations = checked.flatMap((path) => mentions(readFileSync(path, 'utf8')).map((mention) => `src/${relative(SRC, path).split(sep).join('/')}:${mention}`));
    expect(violations, 'Reword these (say "the subscribe request", use ProtocolRequest kinds, or move the code into src/protocol/)').toEqual([]);
  });
});
