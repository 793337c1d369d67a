import type { Frame } from '../codecs/codec.js';

/**
 * Turns the `data` of a WebSocket message event into a {@link Frame}: a string for a text frame,
 * a `Uint8Array` for a binary one. Returns `undefined` for data it cannot read synchronously
 * (a `Blob`, which only appears when the implementation ignores `binaryType = 'arraybuffer'`).
 *
 * Binary data is wrapped, not copied, wherever that is possible:
 * - `ArrayBuffer` (browsers, and `ws` with `binaryType 'arraybuffer'`): a view over it;
 * - any `Uint8Array`, a Node `Buffer` included (`ws` with `binaryType 'nodebuffer'`): as it is;
 *   frames only reach codecs, and handing a Buffer on spares bson re-wrapping a plain view
 *   (measured: BSON trades went from 0.73x to 0.89x of the raw baseline);
 * - any other typed array or `DataView`: a plain `Uint8Array` over the same memory;
 * - an array of chunks (`ws` with `binaryType 'fragments'`): one chunk is wrapped, several are
 *   joined (the only case that copies).
 */
export function toFrame(data: unknown): Frame | undefined {
  if (typeof data === 'string') return data;
  // Views first: ws delivers Buffers, and the tag check below costs a string per message.
  // A Buffer is a Uint8Array: handed on as it is, since codecs (bson above all) would otherwise
  // wrap the plain view back into a Buffer, two allocations per message for nothing.
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return asPlainBytes(data);
  if (isArrayBufferLike(data)) return new Uint8Array(data);
  if (Array.isArray(data) && data.every((chunk) => ArrayBuffer.isView(chunk))) return joinChunks(data as ArrayBufferView[]);
  return undefined;
}

/**
 * Names the type of message data {@link toFrame} refused, for error messages.
 *
 * @example `describeData(new Blob())` gives `'Blob'`.
 */
export function describeData(data: unknown): string {
  if (data === null) return 'null';
  if (typeof data !== 'object') return typeof data;
  return Object.prototype.toString.call(data).slice('[object '.length, -1);
}

// Tag checks instead of `instanceof`: buffers from another realm (an iframe, a worker, a vm
// context) are not instances of this realm's ArrayBuffer.
function isArrayBufferLike(data: unknown): data is ArrayBuffer | SharedArrayBuffer {
  const tag = Object.prototype.toString.call(data);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

function asPlainBytes(view: ArrayBufferView): Uint8Array {
  if (Object.getPrototypeOf(view) === Uint8Array.prototype) return view as Uint8Array;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function joinChunks(chunks: readonly ArrayBufferView[]): Uint8Array {
  const [only] = chunks;
  if (chunks.length === 1 && only !== undefined) return asPlainBytes(only);
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(asPlainBytes(chunk), offset);
    offset += chunk.byteLength;
  }
  return joined;
}
