import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, startMarketSimulator } from '../../src/testing/index.js';
import type { MarketSimulator, TestServer } from '../../src/testing/index.js';
import { openSession, sleep, terminateAllClients } from './raw-client.js';

const servers: TestServer[] = [];
const simulators: MarketSimulator[] = [];
async function start(): Promise<TestServer> {
  const server = await createTestServer();
  servers.push(server);
  return server;
}
afterEach(async () => {
  for (const simulator of simulators.splice(0)) simulator.stop();
  terminateAllClients();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function track(simulator: MarketSimulator): MarketSimulator {
  simulators.push(simulator);
  return simulator;
}

describe('market simulator', () => {
  it('publishes realistic trades (~120 B) and depth updates (~1 KiB) to subscribed streams', async () => {
    const server = await start();
    const simulator = track(startMarketSimulator(server, { symbols: ['btcusdt', 'ethusdt'], ratePerSecond: 1 }));
    expect(simulator.streams).toEqual(['btcusdt@trade', 'btcusdt@depth', 'ethusdt@trade', 'ethusdt@depth']);
    const { client } = await openSession(server);
    await client.call('SUBSCRIBE', ['btcusdt@trade', 'ethusdt@depth']);
    expect(simulator.step(4)).toBe(4);
    const messages = await client.waitForStreamMessages(4);
    expect(messages.map((message) => message.stream)).toEqual(['btcusdt@trade', 'ethusdt@depth', 'btcusdt@trade', 'ethusdt@depth']);
    const trade = messages[0]?.data as Record<string, unknown>;
    expect(trade).toMatchObject({ e: 'trade', s: 'BTCUSDT', t: 1, m: expect.any(Boolean), E: expect.any(Number), T: expect.any(Number) });
    expect(Number(trade['p'])).toBeGreaterThan(40_000);
    expect(JSON.stringify(trade).length).toBeGreaterThanOrEqual(100);
    expect(JSON.stringify(trade).length).toBeLessThanOrEqual(140);
    const depth = messages[1]?.data as { e: string; s: string; b: [string, string][]; a: [string, string][]; U: number; u: number };
    expect(depth).toMatchObject({ e: 'depthUpdate', s: 'ETHUSDT' });
    expect(depth.b).toHaveLength(20);
    expect(Number(depth.b[0]?.[0])).toBeLessThan(Number(depth.a[0]?.[0]));
    expect(depth.u).toBeGreaterThanOrEqual(depth.U);
    expect(JSON.stringify(depth).length).toBeGreaterThanOrEqual(900);
    expect(JSON.stringify(depth).length).toBeLessThanOrEqual(1_300);
    expect((messages[2]?.data as { t: number }).t).toBe(2);
  });

  it('skips streams nobody subscribed to unless onlySubscribed is false', async () => {
    const server = await start();
    const idle = track(startMarketSimulator(server, { ratePerSecond: 1 }));
    expect(idle.step(10)).toBe(0);
    const eager = track(startMarketSimulator(server, { ratePerSecond: 1, onlySubscribed: false }));
    expect(eager.step(10)).toBe(10);
    expect(eager.deliveries).toBe(0);
  });

  it('publishes at its rate on a timer, and stops', async () => {
    const server = await start();
    const { client } = await openSession(server);
    await client.call('SUBSCRIBE', ['btcusdt@trade']);
    const simulator = track(startMarketSimulator(server, { streams: ['btcusdt@trade'], ratePerSecond: 2_000, tickMs: 5 }));
    await client.waitForStreamMessages(20);
    expect(simulator.running).toBe(true);
    simulator.stop();
    const published = simulator.published;
    expect(simulator.deliveries).toBe(published);
    await sleep(30);
    expect(simulator.published).toBe(published);
    expect(simulator.running).toBe(false);
    const seqs = (await client.waitForStreamMessages(published)).map((message) => message.seq);
    expect(seqs).toEqual(Array.from({ length: published }, (_, index) => index + 1));
  });

  it('stops by itself after maxMessages, and when the server closes', async () => {
    const server = await start();
    const limited = track(startMarketSimulator(server, { ratePerSecond: 1, onlySubscribed: false, maxMessages: 3 }));
    expect(limited.step(10)).toBe(3);
    expect(limited.running).toBe(false);
    const running = track(startMarketSimulator(server, { ratePerSecond: 100 }));
    await server.close();
    expect(running.running).toBe(false);
  });

  it('gives the same payloads for the same seed', async () => {
    const payloads = async (seed: number) => {
      const server = await start();
      const { client } = await openSession(server);
      await client.call('SUBSCRIBE', ['btcusdt@trade', 'solusdt@trade']);
      track(startMarketSimulator(server, { symbols: ['btcusdt', 'solusdt'], kinds: ['trade'], ratePerSecond: 1, seed })).step(6);
      return (await client.waitForStreamMessages(6)).map((message) => {
        const { p, q, t, m } = message.data as Record<string, unknown>;
        return [p, q, t, m];
      });
    };
    const first = await payloads(7);
    expect(await payloads(7)).toEqual(first);
    expect(await payloads(8)).not.toEqual(first);
  });

  it('rejects a rate that is not positive', async () => {
    const server = await start();
    expect(() => startMarketSimulator(server, { ratePerSecond: 0 })).toThrow(/ratePerSecond/);
  });
});
