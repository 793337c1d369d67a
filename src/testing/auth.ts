/** Credential checks of the test server (AUTHORIZE and handshake tokens). Internal. */
import type { TestServerAuthOptions } from './options.js';
import { isPlainObject } from './server-errors.js';

/** AUTHORIZE params in one of the three forms of docs/protocol.md section 4. */
export type Credentials =
  | { readonly kind: 'license'; readonly license: string }
  | { readonly kind: 'password'; readonly username: string; readonly password: string }
  | { readonly kind: 'token'; readonly token: string };

/** Reads AUTHORIZE params; undefined when they have none of the three shapes. */
export function parseCredentials(params: unknown): Credentials | undefined {
  if (!isPlainObject(params)) return undefined;
  const { license, username, password, token } = params;
  if (typeof license === 'string') return { kind: 'license', license };
  if (typeof username === 'string' && typeof password === 'string') return { kind: 'password', username, password };
  if (typeof token === 'string') return { kind: 'token', token };
  return undefined;
}

function hasTokenCheck(auth: TestServerAuthOptions): boolean {
  return (auth.tokens?.length ?? 0) > 0 || auth.validateToken !== undefined;
}

/** Whether a token is accepted: listed in `tokens`, or approved by `validateToken`. */
export function checkToken(auth: TestServerAuthOptions, token: string): boolean | Promise<boolean> {
  if (auth.tokens?.includes(token) === true) return true;
  return auth.validateToken?.(token) ?? false;
}

/**
 * Whether a token that came with the handshake is accepted. When the server checks no tokens at all
 * and requires no authorization, a token is simply ignored (accepted); when it requires
 * authorization but has no way to check tokens, the token is rejected.
 */
export function checkHandshakeToken(auth: TestServerAuthOptions, authRequired: boolean, token: string): boolean | Promise<boolean> {
  if (!hasTokenCheck(auth)) return !authRequired;
  return checkToken(auth, token);
}

/**
 * Whether AUTHORIZE credentials are accepted. A server that requires no authorization and has no
 * credentials configured accepts any.
 */
export function checkCredentials(auth: TestServerAuthOptions, authRequired: boolean, credentials: Credentials): boolean | Promise<boolean> {
  const configured =
    (auth.licenses?.length ?? 0) > 0 || Object.keys(auth.users ?? {}).length > 0 || hasTokenCheck(auth);
  if (!configured) return !authRequired;
  switch (credentials.kind) {
    case 'license':
      return auth.licenses?.includes(credentials.license) === true;
    case 'password': {
      const users = auth.users ?? {};
      return Object.hasOwn(users, credentials.username) && users[credentials.username] === credentials.password;
    }
    case 'token':
      return checkToken(auth, credentials.token);
  }
}
