import fc from 'fast-check';
import { DEFAULT_BACKOFF } from '../../src/machine/backoff.js';
import { CLOSE_REACTIONS } from '../../src/machine/close-policy.js';
import type { CloseCodeOverrides } from '../../src/node.js';
import { commandOptions } from './config.js';
import { describeFrame, type MachineFuzzConfig, type MachineHarness } from './machine-harness.js';
import type { BalancerAnswer } from './fake-network.js';
import { UNANSWERED_METHOD } from './fake-network.js';

/** The model fast-check keeps beside the real harness: only what decides whether a command applies. */
export interface MachineModel {
  userClosed: boolean;
}

/** Every close code PROTOCOL.md section 8 names. */
export const SECTION_8_CODES = [1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1011, 1012, 1013, 1015, 4000, 4001, 4002, 4202] as const;

/** A command of the machine-level property: runs against the harness, then lets the step settle and checks every invariant. */
abstract class MachineCommand implements fc.AsyncCommand<MachineModel, MachineHarness> {
  check(model: Readonly<MachineModel>): boolean {
    return !model.userClosed;
  }

  async run(model: MachineModel, harness: MachineHarness): Promise<void> {
    await this.act(model, harness);
    await harness.settle();
    harness.check();
  }

  protected abstract act(model: MachineModel, harness: MachineHarness): void | Promise<void>;
  abstract toString(): string;
}

class ServerClose extends MachineCommand {
  constructor(readonly code: number) {
    super();
  }
  act(_model: MachineModel, harness: MachineHarness): void {
    harness.serverClose(this.code);
  }
  toString(): string {
    return this.code === 1006 ? 'drop (no close frame)' : `server closes with ${this.code}`;
  }
}

class HalfOpen extends MachineCommand {
  act(_model: MachineModel, harness: MachineHarness): void {
    harness.openSocket()?.goSilent(harness.state === 'authorized');
  }
  toString(): string {
    return 'half-open';
  }
}

/** The fake network's fault counters: each counts the next connections or requests it spoils. */
type NetworkFault = 'refusals' | 'stalls' | 'rejectedResumes' | 'unansweredInitializes' | 'refusedInitializes' | 'unansweredAuthorizes' | 'rejectedAuthorizes';

/** Arms one of the fake network's faults for the next `times` connections or requests. */
class ArmFault extends MachineCommand {
  constructor(
    readonly fault: NetworkFault,
    readonly times: number,
    readonly description: string,
  ) {
    super();
  }
  act(_model: MachineModel, harness: MachineHarness): void {
    harness.network[this.fault] += this.times;
  }
  toString(): string {
    return this.description;
  }
}

class BalancerFault extends MachineCommand {
  constructor(readonly answer: BalancerAnswer) {
    super();
  }
  act(_model: MachineModel, harness: MachineHarness): void {
    harness.network.balancerAnswers.push(this.answer);
  }
  toString(): string {
    return this.answer === 'hang' ? 'balancer hangs next' : this.answer === 'malformed' ? 'balancer answers 200 with a broken body next' : `balancer answers ${this.answer} next`;
  }
}

class UserClose extends MachineCommand {
  act(model: MachineModel, harness: MachineHarness): void {
    model.userClosed = true;
    harness.userClose();
  }
  toString(): string {
    return 'user close()';
  }
}

class Subscribe extends MachineCommand {
  constructor(readonly name: string) {
    super();
  }
  act(_model: MachineModel, harness: MachineHarness): void {
    harness.subscribe(this.name);
  }
  toString(): string {
    return `subscribe ${this.name}`;
  }
}

class Publish extends MachineCommand {
  constructor(
    readonly stream: string,
    readonly count: number,
  ) {
    super();
  }
  // The server publishes whatever the client does, closed or not.
  override check(): boolean {
    return true;
  }
  act(_model: MachineModel, harness: MachineHarness): void {
    harness.publish(this.stream, this.count);
  }
  toString(): string {
    return `publish ${this.count} on ${this.stream}`;
  }
}

class Unsubscribe extends MachineCommand {
  constructor(readonly name: string) {
    super();
  }
  act(_model: MachineModel, harness: MachineHarness): void {
    harness.unsubscribe(this.name);
  }
  toString(): string {
    return `unsubscribe ${this.name}`;
  }
}

class Request extends MachineCommand {
  constructor(
    readonly method: string,
    readonly idempotent: boolean,
  ) {
    super();
  }
  // A request after close() must fail at once: that is checked too.
  override check(): boolean {
    return true;
  }
  act(_model: MachineModel, harness: MachineHarness): void {
    harness.request(this.method, this.idempotent);
  }
  toString(): string {
    return `request ${this.method}${this.idempotent ? ' (idempotent)' : ''}`;
  }
}

class Advance extends MachineCommand {
  constructor(readonly ms: number) {
    super();
  }
  // Time passing applies after close() too: nothing may wake up then.
  override check(): boolean {
    return true;
  }
  async act(_model: MachineModel, harness: MachineHarness): Promise<void> {
    await harness.advance(this.ms);
  }
  toString(): string {
    return `wait ${this.ms} ms`;
  }
}

class Garbage extends MachineCommand {
  constructor(readonly frame: string | Uint8Array) {
    super();
  }
  async act(_model: MachineModel, harness: MachineHarness): Promise<void> {
    await harness.garbage(this.frame);
  }
  toString(): string {
    return `garbage frame ${describeFrame(this.frame)}`;
  }
}

const STREAMS = ['a@trade', 'b@trade', 'c@depth'] as const;

/** Keys the reference classifier looks at, so generated objects come near real packets. */
export const PACKET_KEYS = ['id', 'result', 'error', 'stream', 'data', 'seq', 'event', 'method', 'code', 'message'] as const;

/** Frames that are not, or are barely, packets: text that is no JSON, binary frames, JSON values, objects made of packet keys. */
export const garbageFrame: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
  fc
    .dictionary(fc.constantFrom(...PACKET_KEYS), fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.integer({ min: -2, max: 1e6 })), { maxKeys: 4 })
    // A stream message would be delivered, not reported; ids below 1000 could answer one of the session's own requests.
    .filter((packet) => !('stream' in packet) && !(typeof packet.id === 'number' && packet.id < 1000))
    .map((packet) => JSON.stringify(packet)),
);

/** Section 8's codes that end the session by default: drawn less often, since they end a run early. */
const FATAL_BY_DEFAULT = new Set<number>([1002, 1003, 1007, 1008, 1015, 4000, 4002]);

const closeCode = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SECTION_8_CODES.filter((code) => !FATAL_BY_DEFAULT.has(code))) },
  { weight: 1, arbitrary: fc.constantFrom(...SECTION_8_CODES.filter((code) => FATAL_BY_DEFAULT.has(code))) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 4999 }) },
);

/** Every command of the machine-level property. */
export const machineCommands: fc.Arbitrary<Iterable<fc.AsyncCommand<MachineModel, MachineHarness>>> = fc.commands(
  [
    closeCode.map((code) => new ServerClose(code)),
    fc.constant(new ServerClose(1006)),
    fc.constant(new HalfOpen()),
    fc.integer({ min: 1, max: 4 }).map((times) => new ArmFault('refusals', times, `refuse the next ${times} connection(s)`)),
    fc.constant(new ArmFault('stalls', 1, 'leave the next connection hanging')),
    fc.constant(new ArmFault('rejectedResumes', 1, 'reject the next resume')),
    fc.constantFrom<BalancerAnswer>(500, 503, 429, 'hang', 500, 503, 429, 'hang', 404, 403, 'malformed').map((answer) => new BalancerFault(answer)),
    // Several in a row keep the session from becoming ready, so that faults pile up within one reconnect streak.
    fc.integer({ min: 1, max: 3 }).map((times) => new ArmFault('unansweredInitializes', times, times === 1 ? 'leave the next INITIALIZE unanswered' : `leave the next ${times} INITIALIZEs unanswered`)),
    // A server error answering INITIALIZE: retried like a drop, under the backoff and maxAttempts.
    fc.integer({ min: 1, max: 3 }).map((times) => new ArmFault('refusedInitializes', times, `refuse the next ${times} INITIALIZE with error 500`)),
    fc.constant(new ArmFault('unansweredAuthorizes', 1, 'leave the next AUTHORIZE unanswered')),
    fc.constant(new ArmFault('rejectedAuthorizes', 1, 'reject the next AUTHORIZE (401, then close 4001)')),
    // close() ends a run, so it shares its slot with waiting: about one run in three closes early.
    fc.oneof({ weight: 1, arbitrary: fc.constant(new UserClose()) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((ms) => new Advance(ms)) }),
    // fc.commands picks each entry alike: the everyday commands come twice so that faults do not end most runs early.
    ...[1, 2].map(() => fc.constantFrom(...STREAMS).map((name) => new Subscribe(name))),
    fc.constantFrom(...STREAMS).map((name) => new Unsubscribe(name)),
    ...[1, 2].map(() => fc.tuple(fc.constantFrom(...STREAMS), fc.integer({ min: 1, max: 4 })).map(([name, count]) => new Publish(name, count))),
    ...[1, 2].map(() => fc.tuple(fc.constantFrom('ECHO', UNANSWERED_METHOD, 'NO_SUCH_METHOD'), fc.boolean()).map(([method, idempotent]) => new Request(method, idempotent))),
    ...[1, 2, 3].map(() => fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1_000, max: 40_000 })).map((ms) => new Advance(ms))),
    garbageFrame.map((frame) => new Garbage(frame)),
  ],
  commandOptions(60),
);

/** Session set-ups: balancer or fixed endpoint, every kind of auth, small and large backoffs, finite and infinite maxAttempts. */
export const machineConfig: fc.Arbitrary<MachineFuzzConfig> = fc
  .record({
    balancer: fc.boolean(),
    auth: fc.constantFrom('none', 'license', 'token', 'token-provider' as const),
    authRequired: fc.boolean(),
    // Without credentials a server that requires them ends the session at once: keep that rare.
    authless: fc.constantFrom(false, false, false, true),
    initialDelayMs: fc.integer({ min: 0, max: 2_000 }),
    extraDelayMs: fc.integer({ min: 0, max: 30_000 }),
    multiplier: fc.constantFrom(1, 1.5, 2, 3),
    longDelayFactor: fc.constantFrom(1, 4, 8),
    maxAttempts: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(Infinity), fc.constant(Infinity)),
    // Short enough that runs see connections become healthy as well as die young; 0 resets at once.
    minUptimeMs: fc.constantFrom(0, 500, 5_000, 20_000),
    // Mostly the defaults; sometimes any reaction for any code, which the oracle's decideClose reads too.
    closeCodes: fc.oneof(
      { weight: 2, arbitrary: fc.constant<CloseCodeOverrides>({}) },
      { weight: 1, arbitrary: fc.dictionary(closeCode.map(String), fc.constantFrom(...CLOSE_REACTIONS), { maxKeys: 4 }) as fc.Arbitrary<CloseCodeOverrides> },
    ),
    timeoutMs: fc.integer({ min: 500, max: 10_000 }),
    requestTimeoutMs: fc.integer({ min: 500, max: 10_000 }),
    heartbeatMs: fc.integer({ min: 200, max: 30_000 }),
    randoms: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 5 }),
    // A third of the set-ups announce a connection lifetime: the session rotates before it, only a
    // connection that proved itself (minUptimeMs); short ones (60 ms, 400 ms) must not rotate in a storm.
    lifetimeMs: fc.option(fc.constantFrom(60, 400, 2_000, 10_000, 30_000), { freq: 3, nil: undefined }),
  })
  .map(({ initialDelayMs, extraDelayMs, multiplier, longDelayFactor, maxAttempts, minUptimeMs, authless, authRequired, ...rest }) => ({
    ...rest,
    authRequired: authRequired && (rest.auth !== 'none' || authless),
    backoff: { ...DEFAULT_BACKOFF, initialDelayMs, maxDelayMs: initialDelayMs + extraDelayMs, multiplier, longDelayFactor, maxAttempts, minUptimeMs },
  }));
