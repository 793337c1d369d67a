import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, LogLevel, Logger, PackageJsonReader, TSConfigReader, TypeDocReader } from 'typedoc';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Keeps every warning and error, so a failure names them. */
class RecordingLogger extends Logger {
  readonly problems: string[] = [];

  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level === LogLevel.Warn || level === LogLevel.Error) this.problems.push(`[${LogLevel[level]}] ${message}`);
  }
}

describe('API docs (typedoc.json, `npm run docs`)', () => {
  it('convert and validate with no warning or error: every export and member documented, every link resolved', async () => {
    const logger = new RecordingLogger();
    // Paths inside typedoc.json are resolved against its own directory.
    const app = await Application.bootstrapWithPlugins({ options: resolve(root, 'typedoc.json') }, [new TypeDocReader(), new PackageJsonReader(), new TSConfigReader()]);
    app.logger = logger;
    const project = await app.convert();
    expect(project, logger.problems.join('\n')).toBeDefined();
    if (project !== undefined) app.validate(project);
    expect(logger.problems, 'fix the TSDoc (or typedoc.json) so that `npm run docs` is clean').toEqual([]);
    expect(logger.errorCount + logger.warningCount + logger.validationWarningCount).toBe(0);
  }, 60_000); // a full TypeScript program: about 7 s alone, more on a busy machine
});
