import { CodedError } from '../errors/coded-error.js';

/**
 * Canonical JSON per RFC 8785 (JCS), restricted to what posd signs: objects, arrays, strings,
 * booleans, null and safe integers (|n| <= 2^53 - 1), nested at most MAX_JSON_DEPTH deep.
 * Fractions, NaN, undefined members and strings with lone surrogates are refused, so every
 * signed structure has exactly one spelling and every JCS implementation produces the same bytes.
 */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type CanonicalJsonErrorCode = 'not_json' | 'lone_surrogate' | 'not_safe_integer' | 'too_deep' | 'not_canonical';

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
 * itself, byte for byte. Throws CanonicalJsonError (`not_json`, `not_canonical`, or why the
 * value has no canonical form).
 */
export function parseCanonicalJson(text: string): JsonValue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CanonicalJsonError('not_json', `not JSON: ${(err as Error).message}`);
  }
  if (canonicalJson(value) !== text) throw new CanonicalJsonError('not_canonical', 'valid JSON, but not in canonical form');
  return value as JsonValue;
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
