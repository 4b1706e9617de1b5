import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from '../../src/encoding/canonical-json.js';

describe('canonical JSON (RFC 8785 subset)', () => {
  it('sorts keys by UTF-16 code units, at every depth, with no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: -5 }], A: '' })).toBe('{"A":"","a":[true,null,{"c":-5,"d":"x"}],"b":1}');
    // RFC 8785 3.2.3: "\u20ac" (€) sorts after "\r" and "1", and surrogate pairs sort by code unit.
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '1': 3, '\ud83d\ude00': 4, '\u00f6': 5 })).toBe(
      '{"\\r":2,"1":3,"ö":5,"€":1,"😀":4}',
    );
  });

  it('escapes strings as RFC 8785 does', () => {
    expect(canonicalJson('\u0000\u001f"\\/\u2028é中')).toBe('"\\u0000\\u001f\\"\\\\/\u2028é中"');
  });

  it.each([
    [1.5, 'safe integers'],
    [2 ** 53, 'safe integers'],
    [NaN, 'safe integers'],
    [{ a: undefined }, 'undefined'],
    ['\ud800', 'lone surrogate'],
    [new Date(0), 'plain object'],
    [10n, 'bigint'],
  ])('refuses %s', (value, why) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(value)).toThrow(why);
  });

  it('writes -0 as 0', () => {
    expect(canonicalJson(-0)).toBe('0');
  });
});
