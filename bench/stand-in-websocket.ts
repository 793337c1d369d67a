import { EventEmitter } from 'node:events';

/** Every stand-in socket made so far, in order: a bench drives the first one. */
export const standInSockets: StandInWebSocket[] = [];

/**
 * Just enough of ws for benches that measure the client without a network: opens at once, answers
 * INITIALIZE and every other request with a result, and emits whatever frames the bench feeds it
 * (`emit('message', buffer, false)`).
 */
export class StandInWebSocket extends EventEmitter {
  binaryType = 'arraybuffer';
  protocol = 'json.v1';
  readyState = 0;
  bufferedAmount = 0;
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: unknown) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor() {
    super();
    standInSockets.push(this);
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
    }, 1);
  }
  send(data: string): void {
    const packet = JSON.parse(data) as { id: number; method: string };
    const result = packet.method === 'INITIALIZE' ? { sessionId: 's', resumeId: 'r', resumed: false, heartbeatMs: 600000, authRequired: false } : null;
    setImmediate(() => this.emit('message', Buffer.from(JSON.stringify({ id: packet.id, result })), false));
  }
  close(): void {}
  terminate(): void {}
}
