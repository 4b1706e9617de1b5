import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, MAX_JSON_DEPTH, canonicalJson, hasLoneSurrogate, parseCanonicalJson } from '../../src/encoding/canonical-json.js';
import { codeUnitString, fuzz } from './settings.js';

/** Strings with any code units but no unpaired surrogate: the strings canonical JSON can hold. */
const text = codeUnitString(24).filter((s) => !hasLoneSurrogate(s));

/** Values in canonical JSON's domain: objects, arrays, strings, booleans, null, safe integers. */
const { value: canonicalDomain } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.integer({ min: -1000, max: 1000 }),
    text,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(text, tie('value'), { maxKeys: 5 }),
  ),
}));

/** JSON.stringify with object members in code-unit order (objects are written by hand: JS puts integer-like keys first). */
function stringifySorted(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stringifySorted).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stringifySorted((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** For each index of a JSON text: whether it is outside every string token. */
function outsideStrings(json: string): boolean[] {
  const out: boolean[] = [];
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (inString) {
      out.push(false);
      if (ch === '\\') out.push(false), i++;
      else if (ch === '"') inString = false;
    } else {
      inString = ch === '"';
      out.push(!inString);
    }
  }
  return out;
}

/** The first code-unit index where `test` holds, or -1. */
function firstIndex(text: string, test: (ch: string, i: number) => boolean): number {
  for (let i = 0; i < text.length; i++) if (test(text[i]!, i)) return i;
  return -1;
}

/** Rewrites of a canonical text that keep its JSON value but not its bytes. */
function nonCanonicalVariants(canonical: string): string[] {
  const outside = outsideStrings(canonical);
  const variants = [` ${canonical}`, `${canonical}\n`];
  const structural = firstIndex(canonical, (ch, i) => outside[i]! && ':,[{'.includes(ch));
  if (structural >= 0) variants.push(`${canonical.slice(0, structural + 1)} ${canonical.slice(structural + 1)}`);
  // The first character of the first non-empty string token, written as a \u escape.
  const token = /"(?:[^"\\]|\\.)*"/g.exec(canonical);
  if (token && token[0].length > 2 && token[0][1] !== '\\') {
    const at = token.index + 1;
    variants.push(`${canonical.slice(0, at)}\\u${canonical.charCodeAt(at).toString(16).padStart(4, '0')}${canonical.slice(at + 1)}`);
  }
  // The end of the first number: 7 -> 7.0 and 7e0.
  const digit = firstIndex(canonical, (ch, i) => outside[i]! && ch >= '0' && ch <= '9');
  if (digit >= 0) {
    let end = digit;
    while (end < canonical.length && canonical[end]! >= '0' && canonical[end]! <= '9') end++;
    for (const suffix of ['.0', 'e0']) variants.push(canonical.slice(0, end) + suffix + canonical.slice(end));
  }
  return variants.filter((v) => v !== canonical);
}

describe('fuzz: canonical JSON, both directions', () => {
  it('canonical(parse(canonical(x))) === canonical(x), and it is JSON.stringify with sorted keys', () => {
    fc.assert(
      fc.property(canonicalDomain, (x) => {
        const c = canonicalJson(x);
        expect(canonicalJson(JSON.parse(c))).toBe(c);
        expect(c).toBe(stringifySorted(x));
        expect(canonicalJson(parseCanonicalJson(c))).toBe(c);
      }),
      fuzz(500),
    );
  });

  it('recognises non-canonical spellings of a canonical value as not canonical', () => {
    fc.assert(
      fc.property(canonicalDomain, (x) => {
        const c = canonicalJson(x);
        for (const variant of nonCanonicalVariants(c)) {
          expect(JSON.parse(variant)).toEqual(JSON.parse(c));
          expect(() => parseCanonicalJson(variant), variant).toThrow(expect.objectContaining({ code: 'not_canonical' }));
        }
      }),
      fuzz(300),
    );
  });

  it('recognises reordered object members as not canonical', () => {
    fc.assert(
      fc.property(fc.uniqueArray(text, { minLength: 2, maxLength: 6 }), (keys) => {
        const sorted = [...keys].sort();
        fc.pre(sorted.join('\u0000') !== [...keys].join('\u0000'));
        const text = `{${keys.map((k) => `${JSON.stringify(k)}:1`).join(',')}}`;
        expect(() => parseCanonicalJson(text)).toThrow(expect.objectContaining({ code: 'not_canonical' }));
      }),
      fuzz(300),
    );
  });

  it('on any text either returns a value whose canonical form is that text or throws CanonicalJsonError, nothing else', () => {
    const jsonish = fc.oneof(codeUnitString(60), fc.json({ maxDepth: 3 }), canonicalDomain.map((v) => JSON.stringify(v, null, 1)));
    fc.assert(
      fc.property(jsonish, (input) => {
        try {
          expect(canonicalJson(parseCanonicalJson(input))).toBe(input);
        } catch (err) {
          expect(err).toBeInstanceOf(CanonicalJsonError);
        }
      }),
      fuzz(500),
    );
  });

  it('refuses values outside the domain with a typed error: fractions, unsafe integers, lone surrogates, deep nesting', () => {
    const outside = fc.oneof(
      fc.double().filter((d) => !Number.isSafeInteger(d)).map((d) => ({ v: [d], code: 'not_safe_integer' })),
      fc.tuple(codeUnitString(4), fc.constantFrom('\ud800', '\udfff'), codeUnitString(4)).map(([a, s, b]) => a + s + b).filter(hasLoneSurrogate).map((s) => ({ v: { k: s }, code: 'lone_surrogate' })),
      fc.integer({ min: MAX_JSON_DEPTH + 1, max: 5000 }).map((depth) => ({ v: JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown, code: 'too_deep' })),
    );
    fc.assert(
      fc.property(outside, ({ v, code }) => {
        expect(() => canonicalJson(v)).toThrow(expect.objectContaining({ code }));
      }),
      fuzz(300),
    );
  });
});
