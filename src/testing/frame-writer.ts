/**
 * Batches a connection's outgoing data frames and writes them to the socket as one buffer per tick.
 *
 * `ws.send` allocates and writes every frame on its own, which costs about a microsecond per
 * message; the test server must push on the order of a million stream messages a second. A server
 * frame is simple (no mask, no fragmentation, no compression: the server never enables
 * permessage-deflate), so frames are built here: a 2/4/10-byte header, then the payload. Control
 * frames (ping, pong, close) still go through ws; they may sit between whole data frames, which
 * RFC 6455 allows. Internal.
 */
import type { Duplex } from 'node:stream';

/** Flush at once past this many pending payload bytes (measured in string length or byte length). */
const FLUSH_THRESHOLD = 256 * 1024;

const OPCODE_TEXT = 0x81;
const OPCODE_BINARY = 0x82;

function headerLength(payloadLength: number): number {
  return payloadLength < 126 ? 2 : payloadLength < 65_536 ? 4 : 10;
}

function writeHeader(buffer: Buffer, offset: number, opcode: number, payloadLength: number): number {
  buffer[offset] = opcode;
  if (payloadLength < 126) {
    buffer[offset + 1] = payloadLength;
    return offset + 2;
  }
  if (payloadLength < 65_536) {
    buffer[offset + 1] = 126;
    buffer.writeUInt16BE(payloadLength, offset + 2);
    return offset + 4;
  }
  buffer[offset + 1] = 127;
  buffer.writeUInt32BE(Math.floor(payloadLength / 2 ** 32), offset + 2);
  buffer.writeUInt32BE(payloadLength >>> 0, offset + 6);
  return offset + 10;
}

export class FrameWriter {
  readonly #socket: Duplex;
  /** Whether data frames may still be written (the connection is open and no close frame was sent). */
  readonly #canWrite: () => boolean;
  /** Called after each flush, to let the connection police its output buffer. */
  readonly #afterFlush: (bufferedBytes: number) => void;
  #pending: (string | Uint8Array)[] = [];
  #pendingSize = 0;
  #scheduled = false;

  constructor(socket: Duplex, canWrite: () => boolean, afterFlush: (bufferedBytes: number) => void) {
    this.#socket = socket;
    this.#canWrite = canWrite;
    this.#afterFlush = afterFlush;
  }

  /** Queues one frame: a string goes in a text frame, bytes in a binary frame. */
  enqueue(frame: string | Uint8Array): void {
    this.#pending.push(frame);
    this.#pendingSize += frame.length;
    if (this.#pendingSize >= FLUSH_THRESHOLD) {
      this.flush();
      return;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      process.nextTick(this.#flushScheduled);
    }
  }

  readonly #flushScheduled = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  /** Writes every queued frame now, in one socket write. */
  flush(): void {
    const frames = this.#pending;
    if (frames.length === 0) return;
    this.#pending = [];
    this.#pendingSize = 0;
    if (!this.#canWrite()) return;
    const lengths = new Array<number>(frames.length);
    let total = 0;
    for (let index = 0; index < frames.length; index++) {
      const frame = frames[index] as string | Uint8Array;
      const length = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.byteLength;
      lengths[index] = length;
      total += headerLength(length) + length;
    }
    const buffer = Buffer.allocUnsafe(total);
    let offset = 0;
    for (let index = 0; index < frames.length; index++) {
      const frame = frames[index] as string | Uint8Array;
      const length = lengths[index] as number;
      if (typeof frame === 'string') {
        offset = writeHeader(buffer, offset, OPCODE_TEXT, length);
        offset += buffer.write(frame, offset, length, 'utf8');
      } else {
        offset = writeHeader(buffer, offset, OPCODE_BINARY, length);
        buffer.set(frame, offset);
        offset += length;
      }
    }
    this.#socket.write(buffer);
    this.#afterFlush(this.#socket.writableLength);
  }

  /** Drops queued frames (the connection is being cut). */
  discard(): void {
    this.#pending = [];
    this.#pendingSize = 0;
  }
}
