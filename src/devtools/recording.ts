/**
 * Reading and writing recordings: JSON lines, one {@link DevtoolsRecord} per line, every file
 * starting with a `hello` record (see docs/visualization.md). Runs anywhere: the page reads a
 * recording the user opens, `recordSession` (Node) writes them.
 */
import { WirestateError } from '../errors.js';
import { RECORD_FORMAT_VERSION, type DevtoolsRecord } from './records.js';

/** A recording could not be read: not JSON lines, an unknown record, or a version this reader does not know. */
export class RecordingError extends WirestateError {
  /** The 1-based line the problem is on. */
  declare readonly line: number;

  constructor(line: number, message: string) {
    super('recording', message, undefined, { line });
  }
}

const RECORD_TYPES = new Set(['hello', 'transition', 'streams', 'error', 'gap']);

/** One record as a line of a recording (with its newline). */
export function encodeRecord(record: DevtoolsRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * Reads a recording: one JSON record per line, blank lines ignored, a cut-off last line (a process
 * that died mid-write) dropped. Several files of one rotated recording may be concatenated oldest
 * first (each starts with its own `hello`).
 *
 * @throws RecordingError naming the line, when a line is not a record this version knows, or when
 * the recording does not start with a `hello` record.
 * @example
 * ```ts
 * const records = parseRecording(await file.text());
 * ```
 */
export function parseRecording(text: string): DevtoolsRecord[] {
  const records: DevtoolsRecord[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] as string).trim();
    if (line === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      // A process that died mid-write leaves half a last line: the rest is still worth replaying.
      if (lines.slice(index + 1).every((rest) => rest.trim() === '') && records.length > 0) break;
      throw new RecordingError(index + 1, 'not a JSON record');
    }
    const type = (record as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !RECORD_TYPES.has(type) || typeof (record as { t?: unknown }).t !== 'number') {
      throw new RecordingError(index + 1, 'not a devtools record');
    }
    if (type === 'hello' && (record as { v?: unknown }).v !== RECORD_FORMAT_VERSION) {
      throw new RecordingError(index + 1, 'unsupported recording format version');
    }
    if (records.length === 0 && type !== 'hello') throw new RecordingError(index + 1, 'recording must start with a hello record');
    records.push(record as DevtoolsRecord);
  }
  if (records.length === 0) throw new RecordingError(1, 'recording is empty');
  return records;
}
