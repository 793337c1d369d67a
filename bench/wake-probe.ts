/**
 * The machine's own wake-up tail, with no WebSocket and no client library: this process sends a
 * datagram to a child process every millisecond, the child sends it back, and the round trips are
 * timed. Between datagrams both processes sleep, as the clients of the end-to-end latency bench do,
 * so the round trip includes waking each of them; on a virtual machine that is the host waking an
 * idle CPU, whose tail is the floor of any stamp-to-observer tail measured here.
 *
 *   node --import tsx bench/wake-probe.ts [round trips, default 10000]
 */
import { fork } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { percentile } from './stats.js';

function bound(socket: Socket): Promise<number> {
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
}

/** The child: sends every datagram back, reports its port, and ends with its parent. */
async function echo(): Promise<void> {
  const socket = createSocket('udp4');
  socket.on('message', (message, sender) => socket.send(message, sender.port, sender.address));
  process.send?.(await bound(socket));
  process.on('disconnect', () => socket.close());
}

async function probe(count: number): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['echo'], { stdio: 'inherit' });
  const socket = createSocket('udp4');
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message) => resolve(message as number));
      child.once('error', reject);
    });
    await bound(socket);
    const roundTrips: number[] = [];
    socket.on('message', (message: Buffer) => roundTrips.push((performance.now() - message.readDoubleLE(0)) * 1_000));
    for (let sent = 0; sent < count; sent++) {
      const message = Buffer.alloc(8);
      message.writeDoubleLE(performance.now());
      socket.send(message, port, '127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const figure = (p: number) => `${percentile(roundTrips, p).toFixed(0)} µs`;
    process.stdout.write(
      `${roundTrips.length} of ${count} round trips: p50 ${figure(50)} p99 ${figure(99)} p99.9 ${figure(99.9)}, ${roundTrips.filter((value) => value > 1_000).length} over 1 ms\n`,
    );
  } finally {
    socket.close();
    child.disconnect();
  }
}

if (process.argv[2] === 'echo') await echo();
else await probe(Number(process.argv[2] ?? 10_000));
