import { MIN_ROTATION_LIFETIME_MS } from '../../src/machine/rotation.js';
import { backoffCeiling, backoffDelay, decideClose, REFERENCE_CLOSE_CODES, type BackoffOptions, type CloseCodeOverrides, type CloseDecision } from '../../src/node.js';
import type { BalancerAnswer, EndCause, FakeSocket, InitializeAnswer, NetworkObserver } from './fake-network.js';

/**
 * A timer of 0 ms fires after 1 ms (Node clamps it, and so does the fake clock for timers set
 * while it runs), so a backoff that drew 0 may take 1 ms.
 */
const TIMER_SLACK_MS = 1;

/** What the oracle must know about the session it judges. */
export interface OracleSettings {
  readonly backoff: BackoffOptions;
  readonly closeCodes: CloseCodeOverrides;
  readonly balancer: boolean;
  readonly hasCredentials: boolean;
  readonly hasTokenProvider: boolean;
  readonly balancerTimeoutMs: number;
  /** The fake clock. */
  readonly now: () => number;
  /** All sockets created so far, for the one-socket rule. */
  readonly sockets: () => readonly FakeSocket[];
  /** The session's random draws, in order (cycled): the model computes each backoff delay exactly. */
  readonly randoms: readonly number[];
  /** Whether the server announces a connection lifetime, so that the session rotates its connection. */
  readonly rotates: boolean;
  /** Whether the session is `authorized` now (a rotation starts only then). */
  readonly authorized: () => boolean;
}

/** The next connection start the policy asks for. */
interface Expectation {
  /** `resume`: a socket with a Resume-Id; `socket`: a fresh socket; `balancer`: a balancer call. */
  readonly start: 'resume' | 'socket' | 'balancer';
  /** When the connection ended (or the balancer call failed). */
  readonly since: number;
  /** The longest wait the backoff allows. */
  readonly maxDelayMs: number;
  /** The wait the backoff drew: starting sooner is a reconnect faster than the backoff allows. */
  readonly minDelayMs: number;
  /** "At once": no timer, so the start must come within the same step. */
  readonly immediate: boolean;
  readonly why: string;
}

/**
 * An independent model of PROTOCOL.md sections 1, 5 and 8 that watches the fake network and judges
 * every reconnect as it happens: whether the close-code policy (`decideClose`, fed with what the
 * model itself tracked: attempts, whether a Resume-Id is known, whether the socket opened) allows
 * one, of which kind (resume, fresh socket, balancer), and within which delay.
 *
 * It never reads the machine's context: what it knows comes from the network and the session's
 * public events, so a machine that tracks attempts or forgets Resume-Ids wrongly disagrees with it.
 */
export class ReconnectOracle implements NetworkObserver {
  readonly violations: string[] = [];
  readonly trace: string[] = [];
  /**
   * Reconnect attempts since a connection last proved healthy (stayed authorized for
   * `minUptimeMs`), as the model counts them.
   */
  attempt = 0;
  /** Connection starts since the last healthy connection, counted independently of the policy. */
  startsInARow = 0;
  /** Starts "at once" since the last healthy connection: the attempt-rate invariant allows one. */
  immediateStartsInARow = 0;
  /** When the session last became authorized, while that connection lasts. */
  private readyAt: number | undefined;
  /** Whether the serving connection proved itself (stayed authorized `minUptimeMs`): only such a one is rotated. */
  private servingHealthy = false;
  /** When the latest connection (a socket or a balancer call, a rotation's included) started. */
  private lastStartAt: number | undefined;
  /** Why the session must be closed now, once it must. */
  mustBeClosed: string | undefined;
  closing = false;
  closed = false;
  private tokenRetryUsed = false;
  private knowsResumeId = false;
  private started = false;
  private balancerAnswered = false;
  private pending: Expectation | undefined;
  private draws = 0;

  constructor(private readonly settings: OracleSettings) {}

  private note(line: string): void {
    this.trace.push(`t=${this.settings.now()} ${line}`);
    if (this.trace.length > 200) this.trace.shift();
  }

  private violate(message: string): void {
    this.note(`VIOLATION ${message}`);
    this.violations.push(`t=${this.settings.now()}: ${message}`);
  }

  /** The user called close(): nothing may start any more. */
  userClose(): void {
    this.note('user close()');
    this.closing = true;
    this.pending = undefined;
  }

  /** The session emitted `ready` (it is authorized). */
  ready(resumed: boolean): void {
    this.note(`ready (${resumed ? 'resumed' : 'fresh'})`);
    if (this.mustBeClosed !== undefined) this.violate(`became ready although it had to close: ${this.mustBeClosed}`);
    // Authorized is not yet healthy: a server that accepts and drops at once must meet a growing backoff.
    this.readyAt = this.settings.now();
    this.servingHealthy = false;
    this.noteUptime();
  }

  /** Starts the counts over once the current connection has stayed authorized for `minUptimeMs`. */
  noteUptime(): void {
    if (this.readyAt === undefined) return;
    if (this.settings.now() - this.readyAt < this.settings.backoff.minUptimeMs) return;
    this.note('healthy: counts start over');
    this.readyAt = undefined;
    this.servingHealthy = true;
    this.attempt = 0;
    this.startsInARow = 0;
    this.immediateStartsInARow = 0;
    this.tokenRetryUsed = false;
  }

  /** The session reached `closed`. */
  sessionClosed(reason: string): void {
    this.note(`closed: ${reason}`);
    if (!this.closing && this.mustBeClosed === undefined) {
      this.violate(`closed (${reason}) although the policy said ${this.pending === undefined ? 'nothing' : `to reconnect (${this.pending.why})`}`);
    }
    this.closed = true;
    this.pending = undefined;
  }

  /**
   * Sockets a rotation opened beside the serving one, with when: not a reconnect. While the older
   * socket still serves, a rotation socket's end is a failed rotation, not a lost connection.
   */
  readonly rotationSockets = new Map<FakeSocket, number>();
  /** Rotation sockets that ended while the older socket served on. */
  private readonly failedRotations = new Set<FakeSocket>();
  /** Rotation sockets the server handed the session to (it closed the older one with 4000). */
  private readonly promoted = new Set<FakeSocket>();

  socketCreated(socket: FakeSocket): void {
    const resume = socket.resumeId !== undefined;
    this.note(`socket #${socket.index} created${resume ? ` (resume ${socket.resumeId})` : ''}`);
    const others = this.settings.sockets().filter((other) => other !== socket && other.live);
    if (this.settings.rotates && resume && others.length === 1 && this.settings.authorized() && !this.closing && this.mustBeClosed === undefined) {
      this.note(`socket #${socket.index} is a rotation: #${others[0]?.index} serves on`);
      // A rotation opens a connection, so the attempt-rate rule holds for it too: it replaces only
      // a connection that proved itself, and never within MIN_ROTATION_LIFETIME_MS of the last start.
      this.noteUptime();
      if (!this.servingHealthy) this.violate(`rotation socket #${socket.index} replaces a connection that has not proved itself (minUptimeMs ${this.settings.backoff.minUptimeMs})`);
      const sinceLastStart = this.settings.now() - (this.lastStartAt ?? -Infinity);
      if (sinceLastStart < MIN_ROTATION_LIFETIME_MS) this.violate(`rotation socket #${socket.index} only ${sinceLastStart} ms after the previous connection start`);
      this.lastStartAt = this.settings.now();
      this.rotationSockets.set(socket, this.settings.now());
      return;
    }
    this.lastStartAt = this.settings.now();
    if (others.length > 0) this.violate(`socket #${socket.index} created while #${others.map((other) => other.index).join(', #')} still open`);
    if (this.balancerAnswered) {
      this.balancerAnswered = false;
      if (resume) this.violate('the socket after a balancer answer offered a Resume-Id');
      return;
    }
    this.checkStart(resume ? 'resume' : 'socket');
  }

  fetchStarted(answer: BalancerAnswer): void {
    this.note(`balancer call (will answer ${answer})`);
    this.lastStartAt = this.settings.now();
    if (!this.settings.balancer) this.violate('a balancer call without a balancer');
    this.checkStart('balancer');
    if (answer === 200) this.balancerAnswered = true;
  }

  fetchFailed(answer: BalancerAnswer, retryable: boolean): void {
    if (this.closing || this.closed) return;
    this.note(`balancer call failed (${answer})`);
    this.balancerAnswered = false;
    if (!retryable) {
      this.mustBeClosed = `the balancer answered ${answer}`;
      return;
    }
    if (this.attempt >= this.settings.backoff.maxAttempts) {
      this.mustBeClosed = `attempts used up: balancer failed with ${this.attempt} attempts spent (maxAttempts ${this.settings.backoff.maxAttempts})`;
      return;
    }
    this.expect('balancer', this.draw('backoff'), backoffCeiling(this.attempt, this.settings.backoff), false, `balancer ${answer}, attempt ${this.attempt}`);
    this.attempt++;
  }

  socketOpened(socket: FakeSocket): void {
    this.note(`socket #${socket.index} open`);
  }

  initializeDelivered(socket: FakeSocket, result: InitializeAnswer): void {
    this.note(`socket #${socket.index} INITIALIZE result ${JSON.stringify(result)}`);
    this.knowsResumeId = true;
    if (result.authRequired && !this.settings.hasCredentials) this.mustBeClosed = 'the server requires authorization and there are no credentials';
  }

  socketClosedByClient(socket: FakeSocket, code: number | undefined): void {
    this.note(`socket #${socket.index} closed by the client (${String(code)})`);
    // Outside close() and a known fatal end, a clean close can only be a phase timeout or a dead
    // connection that the policy made fatal: judge it as the 1006 the machine raises for those.
    if (!this.closing && this.mustBeClosed === undefined && !this.closed) this.socketEnded(socket, 1006, 'client-drop');
  }

  socketEnded(socket: FakeSocket, code: number, cause: EndCause): void {
    this.note(`socket #${socket.index} ended: ${cause} ${code}`);
    if (this.closing || this.closed || this.mustBeClosed !== undefined) return;
    // The session's connection is the newest socket that did not fail as a rotation.
    const newest = this.settings.sockets().filter((other) => !this.failedRotations.has(other)).at(-1);
    if (socket !== newest) {
      // The older socket of a rotation under way: the server's 4000 is the handover (the rotation
      // socket now serves); any other end is the session's loss, and the rotation fails with it.
      if (newest === undefined || !newest.live || !this.rotationSockets.has(newest) || this.promoted.has(newest)) return;
      if (cause === 'server-close' && code === 4000) {
        this.promoted.add(newest);
        return;
      }
      this.failedRotations.add(newest);
    } else if (this.rotationSockets.has(socket) && this.settings.sockets().some((other) => other !== socket && other.live)) {
      this.note(`rotation on socket #${socket.index} failed: the older connection serves on`);
      this.failedRotations.add(socket);
      return;
    }
    this.noteUptime();
    this.readyAt = undefined;
    this.servingHealthy = false;
    const decision = decideClose({
      code,
      table: REFERENCE_CLOSE_CODES,
      overrides: this.settings.closeCodes,
      clientRequested: false,
      canResume: this.knowsResumeId,
      hasTokenProvider: this.settings.hasTokenProvider,
      tokenRetryUsed: this.tokenRetryUsed,
      attempt: this.attempt,
      maxAttempts: this.settings.backoff.maxAttempts,
      opened: socket.opened,
    });
    this.note(`policy: ${describeDecision(decision)} (attempt ${this.attempt}, resumeId ${this.knowsResumeId ? 'known' : 'unknown'}, opened ${socket.opened})`);
    if (decision.kind === 'fatal' || decision.kind === 'closed') {
      const usedUp = decision.kind === 'fatal' && decision.reason.startsWith('gave up after');
      this.mustBeClosed = `${usedUp ? 'attempts used up: ' : ''}close ${code} is ${decision.kind}`;
      return;
    }
    if (decision.freshToken === true) this.tokenRetryUsed = true;
    if (decision.kind === 'new-session') this.knowsResumeId = false;
    const start = decision.kind === 'resume' ? 'resume' : this.settings.balancer ? 'balancer' : 'socket';
    const maxDelayMs = decision.delay === 'none' ? 0 : backoffCeiling(this.attempt, this.settings.backoff, decision.delay);
    const minDelayMs = decision.delay === 'none' ? 0 : this.draw(decision.delay);
    this.expect(start, minDelayMs, maxDelayMs, decision.delay === 'none', `${cause} ${code} → ${describeDecision(decision)}`);
    this.attempt++;
  }

  /** The delay the session's backoff draws for the current attempt, from the same sequence of randoms. */
  private draw(kind: 'backoff' | 'long-backoff'): number {
    const random = this.settings.randoms[this.draws++ % this.settings.randoms.length] ?? 0;
    return backoffDelay(this.attempt, this.settings.backoff, () => random, kind);
  }

  private expect(start: Expectation['start'], minDelayMs: number, maxDelayMs: number, immediate: boolean, why: string): void {
    if (this.pending !== undefined) this.violate(`a new expectation (${why}) while one was still open (${this.pending.why})`);
    this.pending = { start, since: this.settings.now(), minDelayMs, maxDelayMs, immediate, why };
  }

  private checkStart(start: Expectation['start']): void {
    if (this.closing || this.closed || this.mustBeClosed !== undefined) {
      this.violate(`a connection start (${start}) after the session ${this.closed ? 'closed' : this.closing ? 'was asked to close' : `had to close (${this.mustBeClosed})`}`);
      return;
    }
    if (!this.started) {
      this.started = true;
      if (start === 'resume') this.violate('the first connection offered a Resume-Id');
      if (start === 'socket' && this.settings.balancer) this.violate('the first connection skipped the balancer');
      return;
    }
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) {
      this.violate(`a connection start (${start}) that no close or failure asked for`);
      return;
    }
    if (pending.start !== start) this.violate(`expected a ${pending.start} start (${pending.why}) but got a ${start} start`);
    if (pending.immediate && ++this.immediateStartsInARow > 1) {
      this.violate(`${this.immediateStartsInARow} reconnects at once in a row with no healthy connection between them (${pending.why})`);
    }
    const waited = this.settings.now() - pending.since;
    if (waited < pending.minDelayMs) this.violate(`reconnected after ${waited} ms, sooner than the ${pending.minDelayMs} ms the backoff drew (${pending.why})`);
    if (waited > pending.maxDelayMs + TIMER_SLACK_MS) this.violate(`reconnected after ${waited} ms, more than the backoff bound ${pending.maxDelayMs} ms (${pending.why})`);
    this.startsInARow++;
    if (this.startsInARow > this.settings.backoff.maxAttempts) {
      this.violate(`reconnect number ${this.startsInARow} in a row, above maxAttempts ${this.settings.backoff.maxAttempts}`);
    }
  }

  /**
   * Checks what must have happened by now, after the microtasks of a step ran: an "at once"
   * reconnect has started, a backoff did not overrun its bound, a fatal close ended the session.
   */
  checkSettled(machineClosed: boolean): void {
    this.noteUptime();
    const now = this.settings.now();
    const pending = this.pending;
    // Every step ends by running the microtasks it caused, so an "at once" start has happened by now.
    if (pending !== undefined && !this.closing && (pending.immediate || now - pending.since > pending.maxDelayMs + TIMER_SLACK_MS)) {
      this.violate(`no ${pending.start} start ${pending.immediate ? 'at once' : `within ${pending.maxDelayMs} ms`} (${pending.why})`);
      this.pending = undefined;
    }
    if (this.mustBeClosed !== undefined && !machineClosed) {
      this.violate(`not closed although ${this.mustBeClosed}`);
      this.mustBeClosed = `${this.mustBeClosed} (reported)`;
    }
  }
}

function describeDecision(decision: CloseDecision): string {
  if (decision.kind === 'fatal' || decision.kind === 'closed') return decision.kind;
  return `${decision.kind} ${decision.delay}${decision.freshToken === true ? ' with a fresh token' : ''}`;
}
