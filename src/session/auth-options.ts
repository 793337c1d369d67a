import { bearerSubprotocol } from '../codecs/negotiation.js';
import { OptionsError } from '../errors.js';
import type { ResolvedAuth, ValueOrProvider } from '../machine/types.js';
import { Secret } from '../secret.js';
import { AUTH_FORM_KEYS, optionalObject, rejectUnknownKeys } from './option-keys.js';

const FORMS = '{ license }, { username, password } or { token, transport? }';
const { token: TOKEN_KEYS, license: LICENSE_KEYS, credentials: CREDENTIAL_KEYS } = AUTH_FORM_KEYS;

/**
 * Validates the `auth` option: exactly one of its three forms, with no key of another form mixed
 * in (`{ license, token }` is an error, not a silent choice) and no unknown key. A fixed token
 * sent as a subprotocol (the default transport) must make `bearer.<token>` a subprotocol token,
 * as a JWT or a hex key does and a base64 token with `/` or `=` does not. The secret parts
 * (license, password, token or token provider) come back wrapped in a {@link Secret}, so that the
 * resolved options and the session's state print without them. Messages never quote a secret.
 */
export function resolveAuth(auth: unknown): ResolvedAuth {
  const value = optionalObject('auth', auth);
  if (value === undefined) return { kind: 'none' };
  const forms = [TOKEN_KEYS, LICENSE_KEYS, CREDENTIAL_KEYS].filter((keys) => keys.some((key) => key in value && key !== 'transport'));
  if (forms.length > 1) {
    throw new OptionsError(`auth mixes ${forms.map((keys) => keys[0]).join(' and ')}`);
  }
  const [form] = forms;
  if (form === undefined) throw new OptionsError(`auth must be ${FORMS}`);
  rejectUnknownKeys('auth', value, form);
  if (form === TOKEN_KEYS) {
    const transport = value.transport ?? 'subprotocol';
    if (transport !== 'subprotocol' && transport !== 'query' && transport !== 'packet') {
      throw new OptionsError("auth.transport must be 'subprotocol', 'query' or 'packet'");
    }
    if (typeof value.token !== 'function' && (typeof value.token !== 'string' || value.token.length === 0)) {
      throw new OptionsError('auth.token must be a non-empty string or a provider');
    }
    // A provider's token is checked when it is given (the connection-params actor builds the handshake with it).
    if (transport === 'subprotocol' && typeof value.token === 'string' && bearerSubprotocol(value.token) === undefined) {
      throw new OptionsError("auth.token must be a subprotocol token unless auth.transport is 'query' or 'packet'");
    }
    return { kind: 'token', token: new Secret(value.token as ValueOrProvider<string>), transport };
  }
  if (form === LICENSE_KEYS) {
    if (typeof value.license !== 'string' || value.license.length === 0) throw new OptionsError('auth.license must be a non-empty string');
    return { kind: 'credentials', credentials: new Secret({ license: value.license }) };
  }
  if (typeof value.username !== 'string' || typeof value.password !== 'string') {
    throw new OptionsError('auth.username and auth.password must be strings');
  }
  return { kind: 'credentials', credentials: new Secret({ username: value.username, password: value.password }) };
}
