/**
 * An append-only file that rotates by size: `path` is written, `path.1` is the previous file, up
 * to `path.<maxFiles-1>`; older ones are deleted. Every file starts with the line `header()` gives
 * at the time it is opened. Writes are queued and performed in order without blocking the caller.
 */
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';

/** Options of {@link RotatingFile}. */
export interface RotatingFileOptions {
  readonly maxBytes: number;
  readonly maxFiles: number;
  /** The first line of every file (with its newline). When it alone exceeds `maxBytes`, `fallbackHeader()` is used. */
  readonly header: () => string;
  readonly fallbackHeader: () => string;
  /** Told of the first write error; the file accepts nothing after it. */
  readonly onError: (error: Error) => void;
}

/** A size-bounded, rotating, append-only file. */
export class RotatingFile {
  /** Lines refused because they would not fit even in a fresh file. */
  dropped = 0;
  private size = 0;
  private handle: FileHandle | undefined;
  private queue: Promise<void>;
  private failed = false;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly options: RotatingFileOptions,
  ) {
    // A recording already at `path` (an earlier run of the process) is kept as the previous file.
    this.queue = stat(path).then(
      (existing) => (existing.size > 0 ? this.shift() : undefined),
      () => undefined,
    );
    this.startFile();
  }

  /** Appends one line (with its newline), rotating first when it would not fit. */
  write(line: string): void {
    if (this.closed || this.failed) return;
    const bytes = Buffer.byteLength(line);
    if (this.size + bytes > this.options.maxBytes) {
      this.enqueue(() => this.shift());
      this.startFile();
      if (this.size + bytes > this.options.maxBytes) {
        this.dropped++;
        return;
      }
    }
    this.size += bytes;
    this.enqueue(() => this.append(line));
  }

  /** Resolves once everything written so far is on disk (handed to the OS). */
  flush(): Promise<void> {
    return this.queue;
  }

  /** Writes what is queued and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return this.queue;
    this.closed = true;
    this.enqueue(async () => {
      await this.handle?.close();
      this.handle = undefined;
    });
    return this.queue;
  }

  /** Begins a new file: its header line is queued and counted. */
  private startFile(): void {
    let header = this.options.header();
    if (Buffer.byteLength(header) > this.options.maxBytes) header = this.options.fallbackHeader();
    this.size = Buffer.byteLength(header);
    this.enqueue(() => this.append(header));
  }

  private enqueue(operation: () => Promise<void>): void {
    this.queue = this.queue
      .then(async () => {
        if (!this.failed) await operation();
      })
      .catch((error: unknown) => {
        if (this.failed) return;
        this.failed = true;
        this.options.onError(error instanceof Error ? error : new Error(String(error)));
      });
  }

  private async append(text: string): Promise<void> {
    this.handle ??= await open(this.path, 'a');
    await this.handle.write(text);
  }

  /** path.<n-2> → path.<n-1>, …, path → path.1; the oldest is deleted. */
  private async shift(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    const { maxFiles } = this.options;
    if (maxFiles <= 1) {
      await rm(this.path, { force: true });
      return;
    }
    await rm(`${this.path}.${maxFiles - 1}`, { force: true });
    for (let index = maxFiles - 2; index >= 1; index--) {
      await rename(`${this.path}.${index}`, `${this.path}.${index + 1}`).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    await rename(this.path, `${this.path}.1`).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}
