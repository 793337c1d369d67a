/**
 * `recordSession`: the devtools feed of a session, written as JSON lines to a bounded set of
 * rotating files, for replaying later in the devtools page.
 */
import { OptionsError } from '../../errors.js';
import type { Session } from '../../session.js';
import { createDevtoolsFeed, type DevtoolsFeedOptions } from '../feed.js';
import { encodeRecord } from '../recording.js';
import { RotatingFile } from './rotating-file.js';

/** Options of {@link recordSession}. */
export interface RecordSessionOptions extends DevtoolsFeedOptions {
  /**
   * Most bytes in one file; a record that would pass it starts the next file. At least 64 KiB:
   * every file starts with a `hello` record that holds the chart (about 10 KiB) and the streams.
   * @default 10485760 (10 MiB)
   */
  readonly maxBytes?: number;
  /**
   * Most files kept: `path`, `path.1` (older), … `path.<maxFiles-1>` (oldest); older ones are
   * deleted. So a recording never takes more than `maxBytes × maxFiles` bytes.
   * @default 5
   */
  readonly maxFiles?: number;
  /** Told when writing fails (disk full, no permission); the recording stops then. @default ignores it */
  readonly onError?: (error: Error) => void;
}

/** A running recording. */
export interface SessionRecorder {
  /** The file being written. */
  readonly path: string;
  /** Records left out because a single one was larger than `maxBytes`. */
  readonly dropped: number;
  /** Resolves once every record so far has been written. */
  flush(): Promise<void>;
  /** Stops recording and closes the file. The recording also stops by itself once the session is closed. */
  close(): Promise<void>;
}

const MIN_MAX_BYTES = 64 * 1024;

function checkOptions(maxBytes: number, maxFiles: number): void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < MIN_MAX_BYTES) throw new OptionsError(`maxBytes must be an integer >= ${MIN_MAX_BYTES}`);
  if (!Number.isSafeInteger(maxFiles) || maxFiles < 1) throw new OptionsError('maxFiles must be a positive integer');
}

/**
 * Records the session's devtools feed to `path` as JSON lines (format in docs/visualization.md):
 * every file starts with a `hello` record and then has one record per transition, streams sample,
 * gap and error, all redacted. Files rotate at `maxBytes`, at most `maxFiles` are kept, and a
 * recording found at `path` when it starts is kept as `path.1`. Open the files in the devtools
 * page (`serveDevtools`, or any page with `attachDevtools`) to replay them with a time slider.
 *
 * @throws OptionsError when `maxBytes` is under 64 KiB or `maxFiles` under 1.
 * @example
 * ```ts
 * import { createSession } from 'wirestate';
 * import { recordSession } from 'wirestate/devtools';
 *
 * const session = createSession({ balancer: 'https://api.example.com' });
 * const recorder = recordSession(session, '/var/log/bot/session.jsonl', { maxBytes: 5 * 1024 * 1024, maxFiles: 4 });
 * // at shutdown (or let it stop when the session closes)
 * await recorder.close();
 * ```
 */
export function recordSession(session: Session, path: string, options: RecordSessionOptions = {}): SessionRecorder {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 5;
  checkOptions(maxBytes, maxFiles);
  const feed = createDevtoolsFeed(session, options);
  const file = new RotatingFile(path, {
    maxBytes,
    maxFiles,
    header: () => encodeRecord(feed.hello()),
    // A session with very many streams: the table refills from the samples that follow.
    fallbackHeader: () => encodeRecord({ ...feed.hello(), streams: [] }),
    onError: (error) => {
      stop();
      options.onError?.(error);
    },
  });
  const unsubscribe = feed.subscribe((record) => file.write(encodeRecord(record)));
  let stopped = false;
  function stop(): void {
    if (stopped) return;
    stopped = true;
    unsubscribe();
  }
  // The step into `closed` is recorded in the same turn as `closed` settles; stop after it.
  void session.closed.then(() => setTimeout(() => void recorder.close(), 0));

  const recorder: SessionRecorder = {
    path,
    get dropped() {
      return file.dropped;
    },
    flush: () => file.flush(),
    async close() {
      stop();
      await file.close();
    },
  };
  return recorder;
}
