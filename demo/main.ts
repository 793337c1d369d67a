/**
 * `npm run demo`: a live look at wirestate. See {@link DEMO_USAGE} (`npm run demo -- --help`).
 */
import { DEMO_USAGE, parseDemoArgs, type DemoOptions } from './options.js';
import { runDemo } from './run.js';

async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${DEMO_USAGE}\n`);
    return 0;
  }
  const interrupt = new AbortController();
  // The first Ctrl-C ends the run with its verdict; a second one leaves at once.
  const onSignal = () => {
    if (interrupt.signal.aborted) {
      // The live view hides the cursor; leaving at once must give it back.
      if (process.stdout.isTTY) process.stdout.write('\x1b[?25h\n');
      process.exit(130);
    }
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runDemo(options, process.stdout, interrupt.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
