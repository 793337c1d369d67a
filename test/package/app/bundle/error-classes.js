import { OptionsError, WirestateError } from 'wirestate';

// Made when the bundle is evaluated: a bundle that left the classes uninitialized throws here.
const error = new OptionsError('made at import');

export const made = { isWirestateError: error instanceof WirestateError, code: error.code };
