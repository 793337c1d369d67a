/**
 * recordSession on a real session and a real file system: JSON lines that read back as records
 * (hello first, the drop's transitions with its close), rotation that never passes `maxBytes` per
 * file nor `maxFiles` files, an earlier recording kept, and a stop of its own when the session closes.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecording, recordSession, type TransitionRecord } from '../../src/devtools/node.js';
import { OptionsError } from '../../src/index.js';
import { startMarketSimulator } from '../../src/testing/index.js';
import { waitForState } from '../helpers/session-waits.js';
import { afterThisTest, eventually, openSession, startServer } from './fixtures.js';

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wirestate-record-'));
  afterThisTest(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('recordSession', () => {
  it('writes JSON lines that read back: a hello, then the transitions of a drop with its close', async () => {
    const server = await startServer();
    const path = join(await scratchDir(), 'session.jsonl');
    const session = openSession({ balancer: server.balancerUrl });
    const recorder = recordSession(session, path);
    afterThisTest(() => recorder.close());
    session.start();
    await waitForState(session, 'authorized');
    server.faults.dropConnection();
    await waitForState(session, 'resuming');
    await waitForState(session, 'authorized');
    await recorder.flush();

    const records = parseRecording(readFileSync(path, 'utf8'));
    expect(records[0]?.type).toBe('hello');
    const transitions = records.filter((record): record is TransitionRecord => record.type === 'transition');
    expect(transitions.map((record) => record.value)).toEqual(expect.arrayContaining(['resolving', 'authorized', 'reconnecting', 'resuming']));
    expect(transitions.find((record) => record.close !== undefined)?.close?.code).toBe(1006);
    for (const line of readFileSync(path, 'utf8').trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('rotates: never more than maxFiles files, none larger than maxBytes, each starting with a hello', async () => {
    const server = await startServer();
    const dir = await scratchDir();
    const path = join(dir, 'busy.jsonl');
    const maxBytes = 64 * 1024;
    const maxFiles = 3;
    const streams = Array.from({ length: 60 }, (_, index) => `sym${index}@trade`);
    const simulator = startMarketSimulator(server, { streams, ratePerSecond: 20_000 });
    afterThisTest(() => simulator.stop());
    const session = openSession({ balancer: server.balancerUrl });
    for (const name of streams) session.stream(name).subscribe();
    // A sample every 5 ms with 60 busy streams writes about a megabyte a second.
    const recorder = recordSession(session, path, { maxBytes, maxFiles, sampleIntervalMs: 5 });
    afterThisTest(() => recorder.close());
    await eventually(() => existsSync(`${path}.${maxFiles - 1}`), 'the recording to rotate into its last file', 10_000);
    // Keep going past the point where the oldest file must be deleted.
    const oldest = readFileSync(`${path}.${maxFiles - 1}`, 'utf8').slice(0, 200);
    // Mid-rotation the file is briefly renamed away: a missing file is "not yet", not a failure.
    const head = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8').slice(0, 200) : undefined);
    await eventually(() => {
      try {
        const now = head(`${path}.${maxFiles - 1}`);
        return now !== undefined && now !== oldest;
      } catch {
        return false;
      }
    }, 'another rotation', 10_000);
    await recorder.close();

    expect(existsSync(`${path}.${maxFiles}`)).toBe(false);
    for (const file of [path, `${path}.1`, `${path}.2`]) {
      expect(statSync(file).size).toBeLessThanOrEqual(maxBytes);
      const records = parseRecording(readFileSync(file, 'utf8'));
      expect(records[0]?.type).toBe('hello');
      expect(records.length).toBeGreaterThan(1);
    }
    expect(recorder.dropped).toBe(0);
  });

  it('keeps a recording found at the path as path.1, and stops by itself when the session closes', async () => {
    const server = await startServer();
    const path = join(await scratchDir(), 'restart.jsonl');
    writeFileSync(path, 'an earlier run\n');
    const session = openSession({ balancer: server.balancerUrl });
    const recorder = recordSession(session, path);
    session.start();
    await waitForState(session, 'authorized');
    await session.close();
    await eventually(async () => {
      await recorder.flush();
      const records = parseRecording(readFileSync(path, 'utf8'));
      return records.at(-1)?.type === 'transition' && (records.at(-1) as TransitionRecord).state[0] === 'closed';
    }, 'the step into closed on disk');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('an earlier run\n');
    const size = statSync(path).size;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statSync(path).size).toBe(size);
  });

  it('rejects bounds that cannot hold a recording', async () => {
    const server = await startServer();
    const session = openSession({ balancer: server.balancerUrl });
    expect(() => recordSession(session, '/nonexistent/x.jsonl', { maxBytes: 1_000 })).toThrow(OptionsError);
    expect(() => recordSession(session, '/nonexistent/x.jsonl', { maxFiles: 0 })).toThrow(/maxFiles must be a positive integer/);
  });

  it('reports a write failure once and stops', async () => {
    const server = await startServer();
    const session = openSession({ balancer: server.balancerUrl });
    const errors: Error[] = [];
    const recorder = recordSession(session, join(await scratchDir(), 'missing-dir', 'x.jsonl'), { onError: (error) => errors.push(error) });
    afterThisTest(() => recorder.close());
    session.start();
    await waitForState(session, 'authorized');
    await recorder.flush();
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
