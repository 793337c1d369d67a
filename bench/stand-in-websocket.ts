import { EventEmitter } from 'node:events';
import { Decoder, Encoder } from '@msgpack/msgpack';

/** Every stand-in socket made so far, in order: a bench drives the first one. */
export const standInSockets: StandInWebSocket[] = [];

/**
 * Just enough of ws for benches that measure the client without a network: opens at once, answers
 * INITIALIZE and every other request with a result, and emits whatever frames the bench feeds it
 * (`emit('message', buffer, isBinary)`). It speaks JSON unless {@link StandInWebSocket.codec} says
 * MessagePack (set it before the session opens its socket).
 */
export class StandInWebSocket extends EventEmitter {
  /** The codec every stand-in made from now on selects. */
  static codec: 'json' | 'msgpack' = 'json';
  binaryType = 'arraybuffer';
  protocol = StandInWebSocket.codec === 'json' ? 'json.v1' : 'msgpack.v1';
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
  send(data: string | Uint8Array): void {
    const packet = (typeof data === 'string' ? JSON.parse(data) : new Decoder().decode(data)) as { id: number; method: string };
    const result = packet.method === 'INITIALIZE' ? { sessionId: 's', resumeId: 'r', resumed: false, heartbeatMs: 600000, authRequired: false } : null;
    const answer = { id: packet.id, result };
    const frame = typeof data === 'string' ? Buffer.from(JSON.stringify(answer)) : Buffer.from(new Encoder().encode(answer));
    setImmediate(() => this.emit('message', frame, typeof data !== 'string'));
  }
  close(): void {}
  terminate(): void {}
}
