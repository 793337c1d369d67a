import fc from 'fast-check';
import type { CodecName } from '../../src/node.js';
import type { RefusalMode } from '../../src/testing/index.js';
import { commandOptions } from './config.js';
import { pause, type ServerFuzzConfig, type ServerHarness } from './server-harness.js';

/** What decides whether a command still applies: nothing does once the session ended or was closed. */
export interface ServerModel {
  over: boolean;
}

/** A command of the real-server property: a fault or a use of the session, then a short pause for it to take effect. */
abstract class ServerCommand implements fc.AsyncCommand<ServerModel, ServerHarness> {
  check(model: Readonly<ServerModel>): boolean {
    return !model.over;
  }

  async run(model: ServerModel, harness: ServerHarness): Promise<void> {
    harness.note(`> ${this.toString()}`);
    await this.act(model, harness);
    await pause(5);
    harness.checkConnections();
    harness.assertClean();
  }

  protected abstract act(model: ServerModel, harness: ServerHarness): void | Promise<void>;
  abstract toString(): string;
}

/** Codes a close frame may carry that end the session by default (PROTOCOL.md section 8; 4001 without a token provider). */
const FATAL_CODES = new Set([1002, 1003, 1007, 1008, 4000, 4001, 4002]);

function isFatal(code: number): boolean {
  return FATAL_CODES.has(code) || (code >= 4000 && code <= 4999 && code !== 4202);
}

class CloseConnection extends ServerCommand {
  constructor(readonly code: number) {
    super();
  }
  act(model: ServerModel, harness: ServerHarness): void {
    const hit = harness.server.faults.closeConnection('all', this.code, 'fuzz');
    if (hit > 0 && isFatal(this.code)) {
      harness.allowEnd({ kind: 'close-code', code: this.code });
      // A token provider gets one retry with a fresh token after 4001: the session may go on.
      if (!(this.code === 4001 && harness.hasTokenProvider)) model.over = true;
    }
  }
  toString(): string {
    return `server closes with ${this.code}`;
  }
}

class Drop extends ServerCommand {
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.server.faults.dropConnection();
  }
  toString(): string {
    return 'drop (no close frame)';
  }
}

class GoSilent extends ServerCommand {
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.server.faults.goSilent();
  }
  toString(): string {
    return 'half-open';
  }
}

class Refuse extends ServerCommand {
  constructor(
    readonly times: number,
    readonly mode: RefusalMode,
  ) {
    super();
  }
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.server.faults.refuseConnections({ times: this.times, mode: this.mode });
    // A refused upgrade with 401 or 403 is rejected credentials: fatal once the retry is spent.
    if (this.mode === 'http-401' || this.mode === 'http-403') harness.allowEnd({ kind: 'upgrade-status', status: Number(this.mode.slice(5)) });
  }
  toString(): string {
    return `refuse the next ${this.times} connection(s) (${this.mode})`;
  }
}

class AnomalousSeq extends ServerCommand {
  constructor(readonly kind: 'jump' | 'back') {
    super();
  }
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.sendAnomalousSeq(this.kind);
  }
  toString(): string {
    return `the server sends a seq that ${this.kind === 'jump' ? 'jumps far ahead' : 'goes back to 1'}`;
  }
}

class SelectSubprotocol extends ServerCommand {
  constructor(readonly choice: string | false) {
    super();
  }
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.server.faults.selectSubprotocol(this.choice);
    if (this.choice !== false) harness.allowEnd({ kind: 'negotiation' });
  }
  toString(): string {
    return this.choice === false ? 'the next upgrade selects no subprotocol' : `the next upgrade selects ${this.choice}, never offered`;
  }
}

class RejectNextResume extends ServerCommand {
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.server.faults.rejectNextResume();
  }
  toString(): string {
    return 'reject the next resume';
  }
}

class BalancerStatus extends ServerCommand {
  constructor(readonly status: number) {
    super();
  }
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.server.faults.balancerStatus(this.status);
    if (this.status < 500 && this.status !== 429) harness.allowEnd({ kind: 'balancer', status: this.status });
  }
  toString(): string {
    return `balancer answers ${this.status} next`;
  }
}

class BalancerMalformed extends ServerCommand {
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.server.faults.balancerMalformed();
    // A bad answer is fatal (PROTOCOL.md section 1) when the session next asks the balancer.
    harness.allowEnd({ kind: 'balancer', status: 200 });
  }
  toString(): string {
    return 'balancer answers 200 with a broken body next';
  }
}

class DelayHandshake extends ServerCommand {
  act(_model: ServerModel, harness: ServerHarness): void {
    // Past the client's 500 ms connect timeout.
    harness.server.faults.delayHandshake(650, 1);
  }
  toString(): string {
    return 'hold the next handshake past the connect timeout';
  }
}

class DelayInitialize extends ServerCommand {
  act(_model: ServerModel, harness: ServerHarness): void {
    // Past the client's 300 ms initialize timeout.
    harness.server.faults.delayInitialize(450, 1);
  }
  toString(): string {
    return 'delay the next INITIALIZE past its timeout';
  }
}

class Restart extends ServerCommand {
  async act(_model: ServerModel, harness: ServerHarness): Promise<void> {
    await harness.server.faults.restart();
  }
  toString(): string {
    return 'server restart';
  }
}

class Publish extends ServerCommand {
  constructor(
    readonly stream: string,
    readonly count: number,
  ) {
    super();
  }
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.publish(this.stream, this.count);
  }
  toString(): string {
    return `publish ${this.count} on ${this.stream}`;
  }
}

class Subscribe extends ServerCommand {
  constructor(readonly stream: string) {
    super();
  }
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.subscribe(this.stream);
  }
  toString(): string {
    return `subscribe ${this.stream}`;
  }
}

class Unsubscribe extends ServerCommand {
  constructor(readonly stream: string) {
    super();
  }
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.unsubscribe(this.stream);
  }
  toString(): string {
    return `unsubscribe ${this.stream}`;
  }
}

class Request extends ServerCommand {
  act(_model: ServerModel, harness: ServerHarness): void {
    harness.request();
  }
  toString(): string {
    return 'request ECHO';
  }
}

class Wait extends ServerCommand {
  constructor(readonly ms: number) {
    super();
  }
  async act(): Promise<void> {
    await pause(this.ms);
  }
  toString(): string {
    return `wait ${this.ms} ms`;
  }
}

class Quiesce extends ServerCommand {
  async act(model: ServerModel, harness: ServerHarness): Promise<void> {
    await harness.quiesce();
    if (harness.ended) model.over = true;
  }
  toString(): string {
    return 'wait until authorized and quiet, then check';
  }
}

class UserClose extends ServerCommand {
  act(model: ServerModel, harness: ServerHarness): void {
    model.over = true;
    harness.userClose();
  }
  toString(): string {
    return 'user close()';
  }
}

const STREAMS: readonly string[] = ['btcusdt@trade', 'ethusdt@trade', 'btcusdt@depth'];

/** Codes a server may send in a close frame, section 8's first. */
const closeCode = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(1000, 1001, 1009, 1011, 1012, 1013, 4202) },
  { weight: 1, arbitrary: fc.constantFrom(...FATAL_CODES) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 3000, max: 4999 }), fc.constantFrom(1010, 1014)) },
);

/** Every command of the real-server property. */
export const serverCommands: fc.Arbitrary<Iterable<fc.AsyncCommand<ServerModel, ServerHarness>>> = fc.commands(
  [
    closeCode.map((code) => new CloseConnection(code)),
    fc.constant(new Drop()),
    fc.constant(new GoSilent()),
    fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.constantFrom<RefusalMode>('destroy', 'destroy', 'http-503', 'http-429', 'http-401', 'http-403'))
      .map(([times, mode]) => new Refuse(times, mode)),
    fc.constantFrom<string | false>(false, false, 'evil.v1').map((choice) => new SelectSubprotocol(choice)),
    fc.constantFrom<'jump' | 'back'>('jump', 'back').map((kind) => new AnomalousSeq(kind)),
    fc.constant(new RejectNextResume()),
    fc.constantFrom(503, 500, 429, 503, 404).map((status) => new BalancerStatus(status)),
    fc.constant(new DelayInitialize()),
    fc.constant(new DelayHandshake()),
    fc.constant(new BalancerMalformed()),
    fc.constant(new Restart()),
    ...[1, 2, 3].map(() => fc.tuple(fc.constantFrom(...STREAMS), fc.integer({ min: 1, max: 8 })).map(([stream, count]) => new Publish(stream, count))),
    ...[1, 2].map(() => fc.constantFrom(...STREAMS).map((stream) => new Subscribe(stream))),
    fc.constantFrom(...STREAMS).map((stream) => new Unsubscribe(stream)),
    fc.constant(new Request()),
    fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 150 }).map((ms) => new Wait(ms)) }, { weight: 1, arbitrary: fc.constant(new UserClose()) }),
    fc.constant(new Quiesce()),
  ],
  commandOptions(16),
);

/** Set-ups: the codec order, how the session authenticates, the streams observed from the start. */
export const serverConfig: fc.Arbitrary<ServerFuzzConfig> = fc.record({
  codecs: fc.shuffledSubarray<CodecName>(['json', 'msgpack', 'bson'], { minLength: 1 }),
  auth: fc.constantFrom('none', 'license', 'token' as const),
  initialStreams: fc.subarray([...STREAMS], { minLength: 1 }),
  // Half the runs with a short announced lifetime: the client rotates its connection every few
  // hundred milliseconds while the faults hit (docs/lifecycle.md, "Rotation").
  lifetimeMs: fc.constantFrom(0, 0, 80, 160),
  // A short minimum uptime rotates those connections; the long one leaves them unrotated (each
  // dies young at its lifetime, and the attempt-rate invariant holds for them as for any drop).
  minUptimeMs: fc.constantFrom(40, 300),
});
