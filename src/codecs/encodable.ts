/**
 * The check that a packet fits its codec, run before it is encoded: one walk shared by every
 * codec, each codec stating what it carries ({@link EncodableValues}). It finds what encoding would
 * either throw on or silently get wrong (a `Map` that JSON writes as `{}`), so that `request()` can
 * reject with an {@link EncodeError} that names the value's path, before anything is sent.
 */
import { EncodeError } from '../errors.js';
import type { Codec, EncodableValues, Frame } from './codec.js';

/** What a codec that states nothing is assumed to carry: the values every codec carries. */
const ANY_CODEC: EncodableValues = Object.freeze({
  maxDepth: 100,
  bigint: false,
  types: new Set<string>(),
  callsToJSON: false,
  protoKey: false,
  nulInKeys: false,
});

/** Where a refused value sits (keys from the innermost out, as the walk unwinds) and what it is. */
interface Refusal {
  readonly reversedPath: Array<string | number>;
  readonly problem: string;
}

function refuse(problem: string): Refusal {
  return { reversedPath: [], problem };
}

/**
 * Walks `value` depth first. Allocates nothing for a value that passes (the path is built only on
 * the way back from a refusal), so small packets cost a few type checks.
 */
function check(value: unknown, rules: EncodableValues, depth: number, ancestors: object[]): Refusal | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return undefined;
    case 'bigint':
      return rules.bigint ? undefined : refuse('a bigint');
    case 'function':
      return refuse('a function');
    case 'symbol':
      return refuse('a symbol');
  }
  if (value === null) return undefined;
  const object = value as object;
  if (depth > rules.maxDepth) return refuse(`nesting deeper than ${rules.maxDepth} levels`);
  if (ancestors.includes(object)) return refuse('a cycle');
  if (Array.isArray(object)) {
    ancestors.push(object);
    for (let index = 0; index < object.length; index++) {
      const refusal = check(object[index], rules, depth + 1, ancestors);
      if (refusal !== undefined) {
        refusal.reversedPath.push(index);
        return refusal;
      }
    }
    ancestors.pop();
    return undefined;
  }
  // JSON.stringify sends whatever toJSON returns (a Date's ISO string), on any object.
  if (rules.callsToJSON && typeof (object as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) {
    if (rules.isNative?.(object) === true) return undefined;
    const tag = Object.prototype.toString.call(object).slice(8, -1);
    if (tag === 'Map' && rules.types.has('Map')) return checkMap(object as Map<unknown, unknown>, rules, depth, ancestors);
    if (rules.types.has(tag)) return undefined;
    // Anything but a class instance of the user's own ('Object') is a built-in the codec would mangle.
    if (tag !== 'Object') return refuse(`a ${tag}`);
  }
  return checkEntries(object as Record<string, unknown>, rules, depth, ancestors);
}

function checkEntries(object: Record<string, unknown>, rules: EncodableValues, depth: number, ancestors: object[]): Refusal | undefined {
  ancestors.push(object);
  for (const key of Object.keys(object)) {
    const refusal = checkKey(key, rules) ?? check(object[key], rules, depth + 1, ancestors);
    if (refusal !== undefined) {
      refusal.reversedPath.push(key);
      return refusal;
    }
  }
  ancestors.pop();
  return undefined;
}

function checkMap(map: Map<unknown, unknown>, rules: EncodableValues, depth: number, ancestors: object[]): Refusal | undefined {
  ancestors.push(map);
  for (const [key, entry] of map) {
    if (typeof key !== 'string') return refuse(`a Map with a ${typeof key} key`);
    const refusal = checkKey(key, rules) ?? check(entry, rules, depth + 1, ancestors);
    if (refusal !== undefined) {
      refusal.reversedPath.push(key);
      return refusal;
    }
  }
  ancestors.pop();
  return undefined;
}

function checkKey(key: string, rules: EncodableValues): Refusal | undefined {
  if (key === '__proto__' && !rules.protoKey) return refuse('a "__proto__" key');
  if (!rules.nulInKeys && key.includes('\u0000')) return refuse('a key with a NUL character');
  return undefined;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['params', 'a', 3, 'b']` as `params.a[3].b`; keys that are not identifiers in brackets (`["a b"]`). */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * How deep the quick pass ({@link plainData}) follows a packet before it leaves it to the full
 * walk. A cycle goes past it, so the quick pass needs no record of the objects it is inside.
 */
const QUICK_PASS_DEPTH = 16;

/**
 * True when `value` holds nothing but what every codec carries as it is (strings, numbers,
 * booleans, `null`, `undefined`, arrays and plain objects, with keys the codec takes), no deeper
 * than {@link QUICK_PASS_DEPTH}. Nearly every packet is such data, and this pass allocates nothing
 * (no key arrays, no ancestor list): the full walk's allocations were most of a small request's
 * check, a cost paid on the round trip of every request. False only means "ask the full walk",
 * which decides and names the path; anything this accepts, the full walk accepts too.
 */
function plainData(value: unknown, rules: EncodableValues, depth: number): boolean {
  if (typeof value !== 'object') return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === undefined;
  if (value === null) return true;
  if (depth > QUICK_PASS_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (!plainData(value[index], rules, depth + 1)) return false;
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  // for-in rather than Object.keys, which allocates; an enumerable key some library added to
  // Object.prototype is only checked too (at worst, the full walk runs).
  for (const key in value) {
    if (checkKey(key, rules) !== undefined || !plainData((value as Record<string, unknown>)[key], rules, depth + 1)) return false;
  }
  return true;
}

/**
 * Why `codec` cannot carry `packet`, as an {@link EncodeError} naming the value's path, or
 * undefined when it can. Never throws, whatever `packet` holds.
 *
 * @example
 * ```ts
 * const error = findUnencodable(new JsonCodec(), { id: 1, method: 'ECHO', params: { a: [0, 0, 0, { b: new Map() }] } });
 * error?.path; // 'params.a[3].b'
 * ```
 */
export function findUnencodable(codec: Codec, packet: unknown): EncodeError | undefined {
  const rules = codec.carries ?? ANY_CODEC;
  if (plainData(packet, rules, 1)) return undefined;
  const refusal = check(packet, rules, 1, []);
  if (refusal === undefined) return undefined;
  return new EncodeError(codec.name, formatPath(refusal.reversedPath.reverse()), refusal.problem);
}

/**
 * Encodes a packet after checking it with {@link findUnencodable}: throws an {@link EncodeError}
 * instead of sending a value the codec cannot carry, and wraps any error of the encoder itself in
 * one (with `path` empty), so a caller handles one error type.
 */
export function encodePacket(codec: Codec, packet: unknown): Frame {
  const refused = findUnencodable(codec, packet);
  if (refused !== undefined) throw refused;
  try {
    return codec.encode(packet);
  } catch (error) {
    throw new EncodeError(codec.name, '', error instanceof Error ? error.message.replace(/\.$/, '') : String(error), { cause: error });
  }
}
