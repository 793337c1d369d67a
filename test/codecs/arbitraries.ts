/**
 * fast-check arbitraries for the codec tests: JSON-like values and the packet shapes of
 * PROTOCOL.md section 3, with what each codec documents it cannot carry left out.
 */
import fc from 'fast-check';
import type { CodecName } from '../../src/codecs/codec.js';

/** Keys each codec documents it cannot carry. */
const KEY_ALLOWED: Readonly<Record<CodecName, (key: string) => boolean>> = {
  json: () => true,
  // @msgpack/msgpack refuses to decode a `__proto__` map key (prototype-pollution guard).
  msgpack: (key) => key !== '__proto__',
  // BSON keys are C strings.
  bson: (key) => !key.includes('\u0000'),
};

/** Objects each codec documents it turns into something else. */
const OBJECT_ALLOWED: Readonly<Record<CodecName, (value: Record<string, unknown>) => boolean>> = {
  json: () => true,
  msgpack: () => true,
  // The DBRef shape decodes as a bson DBRef instance.
  bson: (value) => !(Object.hasOwn(value, '$ref') && Object.hasOwn(value, '$id')),
};

/** Well-formed Unicode text: lone surrogates do not survive UTF-8 (MessagePack, BSON). */
export const text = fc.string({ unit: 'grapheme', maxLength: 12 });

/** Numbers JSON can carry, biased towards the int32, safe-integer and float64 boundaries. */
const finiteNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, 2 ** 64, -0),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Arbitrary JSON-like values (plus `undefined`, which every codec drops or turns into `null` like JSON). */
export function jsonLikeValue(codec: CodecName): fc.Arbitrary<unknown> {
  // Keys that break naive implementations (prototype members, NUL, DBRef fields) come up often.
  const trickyKey = fc.constantFrom('__proto__', 'constructor', 'toString', 'a\u0000b', '\u0000', '$ref', '$id', '');
  const key = fc.oneof(text, trickyKey).filter(KEY_ALLOWED[codec]);
  return fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true, maxDepth: 4 },
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
      finiteNumber,
      text,
      tie('array'),
      tie('object'),
    ),
    array: fc.array(tie('value'), { maxLength: 5 }),
    object: fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }).filter(OBJECT_ALLOWED[codec]),
  })).value;
}

/** Every packet shape of PROTOCOL.md section 3, carrying arbitrary values. */
export function protocolPacket(codec: CodecName): fc.Arbitrary<Record<string, unknown>> {
  const value = jsonLikeValue(codec);
  const id = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));
  const seq = fc.oneof(fc.nat(1000), fc.maxSafeNat());
  const options = { noNullPrototype: true } as const;
  const request = fc.record({ id, method: text, params: value }, { ...options, requiredKeys: ['id', 'method'] });
  const success = fc.record({ id, result: value }, options);
  const failure = fc.record(
    { id, error: fc.record({ code: fc.integer(), message: text, data: value }, { ...options, requiredKeys: ['code', 'message'] }) },
    options,
  );
  const streamMessage = fc.record({ stream: text, data: value, seq }, options);
  const event = fc.record({ event: text, data: value }, { ...options, requiredKeys: ['event'] });
  return fc.oneof(request, success, failure, streamMessage, event);
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Plain assignment to `__proto__` would change the prototype instead.
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * What a codec documents a value becomes after a round trip: `undefined` properties dropped,
 * `undefined` in arrays as `null`, and `-0` as `0` except in BSON (which stores it as a double).
 */
export function expectedAfterRoundTrip(value: unknown, codec: CodecName): unknown {
  if (value === undefined) return null;
  if (typeof value === 'number') return Object.is(value, -0) && codec !== 'bson' ? 0 : value;
  if (Array.isArray(value)) return value.map((item: unknown) => expectedAfterRoundTrip(item, codec));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) setOwn(result, key, expectedAfterRoundTrip(item, codec));
    }
    return result;
  }
  return value;
}
