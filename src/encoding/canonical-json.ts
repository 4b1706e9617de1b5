/**
 * Canonical JSON per RFC 8785 (JCS), restricted to what posd signs: objects, arrays, strings,
 * booleans, null and safe integers (|n| <= 2^53 - 1). Fractions, NaN, undefined members and
 * strings with lone surrogates are refused, so every signed structure has exactly one spelling
 * and every JCS implementation produces the same bytes for it.
 */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError(`${path}: string has a lone surrogate`);
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(`${path}: only safe integers are allowed, got ${value}`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + write(value[i], `${path}[${i}]`);
        return out + ']';
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError(`${path}: not a plain object`);
      const keys = Object.keys(value).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) throw new CanonicalJsonError(`${path}.${key}: undefined is not JSON`);
        if (LONE_SURROGATE.test(key)) throw new CanonicalJsonError(`${path}: key has a lone surrogate`);
        out += (i ? ',' : '') + JSON.stringify(key) + ':' + write(member, `${path}.${key}`);
      }
      return out + '}';
    }
    default:
      throw new CanonicalJsonError(`${path}: ${typeof value} is not JSON`);
  }
}
