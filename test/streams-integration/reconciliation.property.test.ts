import fc from 'fast-check';
import type { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { TestServer } from '../../src/testing/index.js';
import { eventually, waitForState } from '../helpers/session-harness.js';
import { streamFixtures, type StreamsFixture } from './fixtures.js';
import { barrier, connect, serverSubscriptions, untilServerHolds, type TestSession } from './helpers.js';

/**
 * Random interleavings of observers coming and going across a few names, with pauses, connection
 * faults at random points (often while a subscribe or unsubscribe is on its way) and requests the
 * server swallows (in flight until a drop or their timeout). Once
 * the session is authorized and quiet, the server must hold exactly the names that have observers.
 *
 * `FC_RUNS=200 npx vitest run --project node test/streams-integration/reconciliation.property.test.ts`
 * runs longer; a failure prints the command sequence (fast-check's counterexample).
 */
const NUM_RUNS = Number(process.env.FC_RUNS ?? 15);
const NAMES = ['btcusdt@trade', 'ethusdt@trade', 'solusdt@trade', 'xrpusdt@depth', 'adausdt@depth', 'news'] as const;

/** The number of observers per name that the test believes it has. */
type Model = Map<string, number>;

interface Real {
  readonly server: TestServer;
  readonly session: TestSession;
  readonly subscriptions: Map<string, Subscription[]>;
  /** Restarts in progress (each resolves after the server's close grace period). */
  readonly pending: Promise<unknown>[];
  /** Errors any observer saw (none is expected: every name is valid). */
  readonly streamErrors: string[];
  /** What each subscription received. */
  readonly received: Map<Subscription, unknown[]>;
}

function observe(real: Real, name: string): Subscription {
  const values: unknown[] = [];
  const subscription = real.session.stream(name).subscribe({
    next: (value) => values.push(value),
    error: (error: unknown) => real.streamErrors.push(`${name}: ${String(error)}`),
  });
  real.received.set(subscription, values);
  return subscription;
}

/** After the chaos, one message per observed name reaches every current observer of it, exactly once. */
async function expectDelivery(real: Real): Promise<void> {
  const current = [...real.subscriptions].flatMap(([name, list]) => list.map((subscription) => ({ name, values: real.received.get(subscription)! })));
  for (const name of real.subscriptions.keys()) if (real.subscriptions.get(name)!.length > 0) real.server.publish(name, `probe:${name}`);
  await eventually(() => current.every(({ values }) => values.length >= 1), 'the probe message to reach every observer', 3_000);
  await barrier(real.session);
  for (const { name, values } of current) expect(values).toEqual([`probe:${name}`]);
}

type StreamsCommand = fc.AsyncCommand<Model, Real>;

class Observe implements StreamsCommand {
  constructor(readonly name: string) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    model.set(this.name, (model.get(this.name) ?? 0) + 1);
    const list = real.subscriptions.get(this.name) ?? [];
    list.push(observe(real, this.name));
    real.subscriptions.set(this.name, list);
  }
  toString = () => `observe(${this.name})`;
}

class Leave implements StreamsCommand {
  constructor(
    readonly name: string,
    readonly which: number,
  ) {}
  check = (model: Readonly<Model>) => (model.get(this.name) ?? 0) > 0;
  async run(model: Model, real: Real): Promise<void> {
    model.set(this.name, model.get(this.name)! - 1);
    const list = real.subscriptions.get(this.name)!;
    const [leaving] = list.splice(this.which % list.length, 1);
    leaving!.unsubscribe();
  }
  toString = () => `leave(${this.name}#${this.which})`;
}

/** The last observer leaves and a new one comes in the same tick (a UI re-mount). */
class Remount implements StreamsCommand {
  constructor(readonly name: string) {}
  check = (model: Readonly<Model>) => (model.get(this.name) ?? 0) > 0;
  async run(model: Model, real: Real): Promise<void> {
    const list = real.subscriptions.get(this.name)!;
    for (const subscription of list.splice(0)) subscription.unsubscribe();
    for (let i = 0; i < (model.get(this.name) ?? 0); i++) list.push(observe(real, this.name));
  }
  toString = () => `remount(${this.name})`;
}

class Pause implements StreamsCommand {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.ms));
  }
  toString = () => `pause(${this.ms}ms)`;
}

type FaultKind = 'drop' | 'reject-resume-and-drop' | 'restart';

class Fault implements StreamsCommand {
  constructor(readonly kind: FaultKind) {}
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    const { faults } = real.server;
    if (this.kind === 'restart') {
      real.pending.push(faults.restart());
      return;
    }
    if (this.kind === 'reject-resume-and-drop') faults.rejectNextResume();
    faults.dropConnection();
  }
  toString = () => this.kind;
}

/** The server swallows the next subscribe or unsubscribe: it stays in flight until a drop or its timeout. */
class Swallow implements StreamsCommand {
  constructor(readonly method: string) {}
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    real.server.faults.ignoreRequests({ methods: [this.method], times: 1 });
  }
  toString = () => `swallow-next(${this.method})`;
}

function commandsFor(fixture: StreamsFixture): fc.Arbitrary<Iterable<StreamsCommand>> {
  const name = fc.constantFrom(...NAMES);
  const faultKinds: FaultKind[] = fixture.features.resume ? ['drop', 'reject-resume-and-drop', 'restart'] : ['drop', 'restart'];
  return fc.commands(
    [
      name.map((stream) => new Observe(stream)),
      name.map((stream) => new Observe(stream)),
      fc.tuple(name, fc.nat(3)).map(([stream, which]) => new Leave(stream, which)),
      fc.tuple(name, fc.nat(3)).map(([stream, which]) => new Leave(stream, which)),
      name.map((stream) => new Remount(stream)),
      fc.constantFrom(0, 1, 3, 10, 25).map((ms) => new Pause(ms)),
      fc.constantFrom(...faultKinds).map((kind) => new Fault(kind)),
      fc.constantFrom(fixture.methods.subscribe, fixture.methods.unsubscribe).map((method) => new Swallow(method)),
    ],
    { maxCommands: 25 },
  );
}

/**
 * Waits until the session is quiet (authorized, and every observed stream confirmed, so no
 * subscribe of an observed stream is in flight) and the server holds exactly the observed names,
 * then checks that it stays so across a round trip.
 */
async function expectReconciled(model: Model, real: Real): Promise<void> {
  // Give a drop time to be noticed, and restarts time to finish, before judging "quiet".
  await new Promise((resolve) => setTimeout(resolve, 20));
  await Promise.all(real.pending);
  await waitForState(real.session, 'authorized', 5_000);
  const observed = NAMES.filter((name) => (model.get(name) ?? 0) > 0);
  await eventually(() => observed.every((name) => real.session.streamState(name) === 'active'), 'every observed stream to be active', 5_000);
  await untilServerHolds(real.server, real.session, observed, 5_000);
  await barrier(real.session);
  await waitForState(real.session, 'authorized', 5_000);
  expect([...(serverSubscriptions(real.server, real.session) ?? [])].sort()).toEqual([...observed].sort());
  for (const name of NAMES) expect(`${name}: ${real.session.streamState(name)}`).toBe(`${name}: ${observed.includes(name) ? 'active' : 'inactive'}`);
}

describe.each(streamFixtures)('$name: reconciliation property', (fixture) => {
  it('after any interleaving of observers and faults, the server holds exactly the observed names once quiet', async () => {
    await fc.assert(
      fc.asyncProperty(commandsFor(fixture), async (commands) => {
        const server = await fixture.startServer({ closeGraceMs: 20 });
        // A swallowed request times out quickly and is sent again.
        const session = await connect(fixture, server, { requestTimeoutMs: 250 });
        const real: Real = { server, session, subscriptions: new Map(), pending: [], streamErrors: [], received: new Map() };
        const model: Model = new Map();
        try {
          await fc.asyncModelRun(() => ({ model, real }), commands);
          await expectReconciled(model, real);
          await expectDelivery(real);
          expect(real.streamErrors).toEqual([]);
          expect(session.states.at(-1)?.value).toBe('authorized');
        } finally {
          for (const list of real.subscriptions.values()) for (const subscription of list) subscription.unsubscribe();
          await session.close();
          await Promise.allSettled(real.pending);
          await server.close();
        }
      }),
      { numRuns: NUM_RUNS, endOnFailure: true },
    );
  });
});
