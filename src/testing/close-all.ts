/** Closing many connections at once, bounded in time. Internal. */
import type { ServerConnection } from './connection-types.js';

/**
 * Closes every given connection with `code` (silenced ones are cut, as a real half-open peer would
 * never answer), waits up to `graceMs` for the close handshakes, then cuts what is left and waits
 * for those sockets to close.
 */
export async function closeConnections(connections: Iterable<ServerConnection>, code: number, reason: string, graceMs: number): Promise<void> {
  const list = [...connections];
  if (list.length === 0) return;
  for (const connection of list) {
    if (connection.silent) connection.terminate();
    else connection.close(code, reason);
  }
  const allClosed = Promise.all(list.map((connection) => connection.closed));
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([allClosed, graceOver]);
  clearTimeout(timer);
  for (const connection of list) connection.terminate();
  await allClosed;
}
