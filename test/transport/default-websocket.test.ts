import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { OptionsError } from '../../src/errors.js';
import { resolveWebSocket } from '../../src/transport/default-websocket.js';
import type { WebSocketConstructor } from '../../src/transport/types.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('resolveWebSocket', () => {
  it("returns the user's constructor over the platform's", () => {
    vi.stubGlobal('WebSocket', class PlatformWebSocket {});
    expect(resolveWebSocket(WebSocket)).toBe(WebSocket);
  });

  it('falls back to globalThis.WebSocket', () => {
    const PlatformWebSocket = class {};
    vi.stubGlobal('WebSocket', PlatformWebSocket);
    expect(resolveWebSocket()).toBe(PlatformWebSocket);
  });

  it('explains what to do when there is no implementation', () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(() => resolveWebSocket()).toThrow(OptionsError);
    expect(() => resolveWebSocket()).toThrow(expect.objectContaining({ code: 'options', message: 'WebSocket is required on this platform' }));
  });

  it('refuses a user value that is not a constructor', () => {
    expect(() => resolveWebSocket('ws' as unknown as WebSocketConstructor)).toThrow(/must be a WebSocket constructor/);
  });
});
