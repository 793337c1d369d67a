#!/usr/bin/env node
/**
 * The `wirestate-test-server` bin: the reference test server as its own process, for clients in
 * other languages or processes (a browser app under Playwright, a benchmark):
 * `npx wirestate-test-server --port 8080 --heartbeat-ms 5000`. Prints the URLs as one JSON line on
 * stdout, takes JSON-line commands on stdin (stdio-commands.ts), and shuts down on SIGTERM, SIGINT
 * or end of stdin. See {@link CLI_USAGE} for every flag.
 */
import { CLI_USAGE, parseCliConfig } from './cli-options.js';
import { serveOverStdio } from './stdio-commands.js';
import { createTestServer } from './test-server.js';

async function main(): Promise<void> {
  const config = parseCliConfig(process.argv.slice(2), process.env);
  if (config.help) {
    process.stdout.write(`${CLI_USAGE}\n`);
    return;
  }
  const server = await createTestServer(config.server);
  serveOverStdio(server, { ...(config.simulator === undefined ? {} : { simulator: config.simulator }), watchStdin: config.stdin === 'watch' });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
