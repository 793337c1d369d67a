/**
 * What the browser suite's global setup hands to the tests through vitest's `provide`/`inject`:
 * the URLs of the reference servers it started in Node, and the URL of the control endpoint that
 * lets a test in the browser publish and inject faults on them.
 */

/** The reference servers the global setup starts, by role. */
export type BrowserServerName =
  /** No authorization, every codec. */
  | 'open'
  /** Requires a token; accepts {@link BROWSER_TOKEN} (by subprotocol, query or AUTHORIZE). */
  | 'token'
  /** Requires a password: user {@link BROWSER_USER} with {@link BROWSER_PASSWORD}. */
  | 'password'
  /** No authorization; like the API gateway of docs/protocol.md section 9, it closes a connection that sends it nothing for {@link GATEWAY_IDLE_MS}. */
  | 'gateway';

/** The idle limit of the `gateway` server: only what the client sends counts. */
export const GATEWAY_IDLE_MS = 1_200;

/** The token the `token` server accepts. */
export const BROWSER_TOKEN = 'browser-token-1';

/** The user and password the `password` server accepts. */
export const BROWSER_USER = 'alice';
export const BROWSER_PASSWORD = 'pa55-w0rd-browser';

/** Where a test finds one reference server. */
export interface BrowserServerUrls {
  readonly balancerUrl: string;
  readonly endpointUrl: string;
}

/** Everything the global setup provides. */
export interface BrowserFixtures {
  readonly servers: Readonly<Record<BrowserServerName, BrowserServerUrls>>;
  /** `http://127.0.0.1:<port>`: POST /control with a {@link ControlRequest}. */
  readonly controlUrl: string;
}

/**
 * The actions the control endpoint performs on a server, each mapped to the test server's own API.
 * Faults always target one session, so test files running side by side cannot disturb each other.
 */
export type ControlRequest =
  | { readonly server: BrowserServerName; readonly action: 'publish'; readonly stream: string; readonly data: unknown }
  | { readonly server: BrowserServerName; readonly action: 'hasSubscribers'; readonly stream: string }
  | { readonly server: BrowserServerName; readonly action: 'dropConnection'; readonly sessionId: string }
  | { readonly server: BrowserServerName; readonly action: 'closeConnection'; readonly sessionId: string; readonly code: number; readonly reason: string }
  | { readonly server: BrowserServerName; readonly action: 'handshakes' };

declare module 'vitest' {
  export interface ProvidedContext {
    wirestate: BrowserFixtures;
  }
}
