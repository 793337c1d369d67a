/** Mutable counters behind {@link TestServerStats}. Internal. */
export interface ServerCounters {
  handshakes: number;
  connectionsOpened: number;
  balancerCalls: number;
  packetsReceived: number;
  packetsIgnored: number;
  framesSent: number;
  streamMessages: number;
  sessionsCreated: number;
  sessionsResumed: number;
}

export function createCounters(): ServerCounters {
  return {
    handshakes: 0,
    connectionsOpened: 0,
    balancerCalls: 0,
    packetsReceived: 0,
    packetsIgnored: 0,
    framesSent: 0,
    streamMessages: 0,
    sessionsCreated: 0,
    sessionsResumed: 0,
  };
}
