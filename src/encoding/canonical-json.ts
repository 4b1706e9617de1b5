import { CodedError } from '../errors/coded-error.js';

/**
 * Canonical JSON per RFC 8785 (JCS), restricted to what posd signs: objects, arrays, strings,
 * booleans, null and safe integers (|n| <= 2^53 - 1), nested at most MAX_JSON_DEPTH deep.
 * Fractions, NaN, undefined members and strings with lone surrogates are refused, so every
 * signed structure has exactly one spelling and every JCS implementation produces the same bytes.
 */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type CanonicalJsonErrorCode = 'not_json' | 'lone_surrogate' | 'not_safe_integer' | 'too_deep' | 'not_canonical' | 'duplicate_member';

export class CanonicalJsonError extends CodedError<CanonicalJsonErrorCode> {
  override readonly name = 'CanonicalJsonError';
}

/** Deeper than any signed structure (a record is 5 levels, an ack 4); bounds the recursion. */
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `text` has an unpaired UTF-16 surrogate (not encodable as UTF-8, so never canonical). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

export function canonicalJson(value: unknown): string {
  return write(value, '$', 0);
}

/**
 * Parses text that must be canonical JSON: valid JSON whose canonical serialisation is the text
 * itself, byte for byte. Throws CanonicalJsonError (`not_json`, `duplicate_member`,
 * `not_canonical`, or why the value has no canonical form).
 */
export function parseCanonicalJson(text: string): JsonValue {
  const value = parseJson(text);
  if (canonicalJson(value) !== text) {
    const duplicate = duplicateMember(text);
    if (duplicate !== undefined) throw duplicateError(duplicate);
    throw new CanonicalJsonError('not_canonical', 'valid JSON, but not in canonical form');
  }
  return value as JsonValue;
}

/**
 * Parses JSON in any spelling, refusing an object with two members of the same name (which
 * JSON.parse would silently resolve to the last). Throws CanonicalJsonError (`not_json`,
 * `duplicate_member`); the value may still have no canonical form.
 */
export function parseJsonWithoutDuplicates(text: string): unknown {
  const value = parseJson(text);
  const duplicate = duplicateMember(text);
  if (duplicate !== undefined) throw duplicateError(duplicate);
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CanonicalJsonError('not_json', `not JSON: ${(err as Error).message}`);
  }
}

function duplicateError(name: string): CanonicalJsonError {
  return new CanonicalJsonError('duplicate_member', `an object has two members named ${JSON.stringify(name)}`);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The first member name that occurs twice in one object of `text`, compared after unescaping
 * ("a" and "\u0061" are the same name), or undefined. `text` must be valid JSON (JSON.parse
 * accepted it). One pass, no recursion: the work and memory are linear in the text.
 */
export function duplicateMember(text: string): string | undefined {
  const open: (Set<string> | null)[] = []; // per open container: its member names, null for an array
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      while (text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      if (expectName) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        const names = open[open.length - 1]!;
        if (names.has(name)) return name;
        names.add(name);
        expectName = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      open.push(new Set());
      expectName = true;
    } else if (c === 0x5b /* [ */) {
      open.push(null);
      expectName = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectName = false;
    } else if (c === 0x2c /* , */) {
      expectName = open.length > 0 && open[open.length - 1] !== null;
    }
  }
  return undefined;
}

function write(value: unknown, path: string, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError('lone_surrogate', `${path}: string has a lone surrogate`);
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalJsonError('not_safe_integer', `${path}: only safe integers are allowed, got ${value}`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= MAX_JSON_DEPTH) throw new CanonicalJsonError('too_deep', `${path}: nested deeper than ${MAX_JSON_DEPTH}`);
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + write(value[i], `${path}[${i}]`, depth + 1);
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError('not_json', `${path}: not a plain object`);
      const keys = Object.keys(value).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) throw new CanonicalJsonError('not_json', `${path}.${key}: undefined is not JSON`);
        if (LONE_SURROGATE.test(key)) throw new CanonicalJsonError('lone_surrogate', `${path}: key has a lone surrogate`);
        out += (i ? ',' : '') + JSON.stringify(key) + ':' + write(member, `${path}.${key}`, depth + 1);
      }
      return out + '}';
    }
    default:
      throw new CanonicalJsonError('not_json', `${path}: ${typeof value} is not JSON`);
  }
}
