/** The state every part of one test server shares. Internal. */
import type { ServerConnection } from './connection-types.js';
import type { ServerCounters } from './counters.js';
import type { PendingDelays } from './delays.js';
import type { FaultState } from './fault-state.js';
import type { IdIssuer } from './ids.js';
import type { ResolvedOptions } from './options.js';
import type { TestServerEvents } from './records.js';
import type { Recorder } from './recorder.js';
import type { SessionRegistry } from './session-registry.js';
import type { TypedEvents } from './typed-events.js';

export interface ServerContext {
  readonly options: ResolvedOptions;
  readonly ids: IdIssuer;
  readonly events: TypedEvents<TestServerEvents>;
  readonly counters: ServerCounters;
  readonly faults: FaultState;
  readonly sessions: SessionRegistry;
  /** Open (upgraded, not yet closed) connections. */
  readonly connections: Set<ServerConnection>;
  readonly recorder: Recorder;
  readonly delays: PendingDelays;
}
