import WebSocket from 'ws';
import type { WebSocketLike } from '../../src/transport/types.js';

/**
 * A user-supplied WebSocket constructor that behaves like a browser's, over a real `ws` socket:
 * no `on`, no `terminate`, error events without detail, response headers invisible, and close
 * codes other than 1000 and 3000-4999 refused (as the WHATWG spec requires). It lets the Node
 * tests cover the code paths a browser takes.
 */
export class BrowserLikeWebSocket implements WebSocketLike {
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  readonly #inner: WebSocket;

  constructor(url: string, protocols?: string | string[]) {
    this.#inner = new WebSocket(url, protocols);
    this.#inner.binaryType = 'arraybuffer';
    this.#inner.onopen = () => this.onopen?.({ type: 'open' });
    this.#inner.onmessage = (event) => this.onmessage?.({ data: event.data });
    this.#inner.onerror = () => this.onerror?.({ type: 'error' });
    this.#inner.onclose = (event) => this.onclose?.({ code: event.code, reason: event.reason, wasClean: event.wasClean });
  }

  get protocol(): string {
    return this.#inner.protocol;
  }

  get readyState(): number {
    return this.#inner.readyState;
  }

  get bufferedAmount(): number {
    return this.#inner.bufferedAmount;
  }

  get binaryType(): string {
    return 'arraybuffer';
  }

  set binaryType(_value: string) {
    // Fixed to 'arraybuffer' above.
  }

  send(data: string | ArrayBuffer | ArrayBufferView<ArrayBuffer>): void {
    this.#inner.send(data);
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new Error(`InvalidAccessError: close code ${code} is neither 1000 nor in 3000-4999`);
    }
    this.#inner.close(code, reason);
  }
}
