/**
 * A value that must not be printed: a password, a license key, a token or a token provider. It
 * keeps the value in a private field and shows `[redacted]` to `util.inspect`, `console.log`,
 * `JSON.stringify` and string conversion, so a session's options and state can be logged or
 * handed to an inspector without leaking it. The code that needs the value calls `reveal()`.
 *
 * Like `errors.ts`, this file is a bottom layer: it imports nothing.
 *
 * @example
 * ```ts
 * const password = new Secret('hunter2');
 * JSON.stringify({ password }); // '{"password":"[redacted]"}'
 * password.reveal();            // 'hunter2'
 * ```
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The value itself, for the one place that must send it. */
  reveal(): T {
    return this.#value;
  }

  /** What `JSON.stringify` writes instead of the value. */
  toJSON(): string {
    return '[redacted]';
  }

  /** What string conversion gives instead of the value. */
  toString(): string {
    return '[redacted]';
  }

  /** What Node's `util.inspect` (and so `console.log`) shows instead of the value. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret [redacted]';
  }
}
