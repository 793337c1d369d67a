import { inspect } from 'node:util';
import { expect } from 'vitest';
import { OptionsError, createSession, type SessionOptions } from '../../src/node.js';

/** An endpoint nothing listens on: sessions made with it here are refused or closed before they connect. */
export const UNUSED_ENDPOINT = 'ws://127.0.0.1:1/ws';

/** The OptionsError that `createSession` throws for these options (added to an endpoint; they never connect). */
export function refusal(options: Record<string, unknown>): OptionsError {
  try {
    void createSession({ endpoint: UNUSED_ENDPOINT, ...options } as SessionOptions).close();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError);
    return error as OptionsError;
  }
  throw new Error(`accepted ${inspect(options)}`);
}
