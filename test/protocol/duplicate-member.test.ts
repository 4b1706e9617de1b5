import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, duplicateMember, parseCanonicalJson, parseJsonWithoutDuplicates } from '../../src/encoding/canonical-json.js';
import { fuzz } from '../fuzz/settings.js';

/** docs/journal.md section 1: two members of one name make a text malformed, whatever JSON.parse keeps. */

describe('duplicate members', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":1,"b":{"c":1,"c":1}}', 'c'],
    ['[{"x":1},{"x":1,"y":2,"x":3}]', 'x'],
    ['{"seq":1,"\\u0073eq":1}', 'seq'],
    ['{"a\\"b":1,"a\\"b":2}', 'a"b'],
    [' { "k" : [ { } , "k" ] , "k" : 0 } ', 'k'],
    ['{"$`":0,"$`":1}', '$`'],
  ])('%s repeats %s', (text, name) => {
    expect(duplicateMember(text)).toBe(name);
    expect(() => parseJsonWithoutDuplicates(text)).toThrow(expect.objectContaining({ code: 'duplicate_member' }));
    expect(() => parseCanonicalJson(text)).toThrow(CanonicalJsonError);
  });

  it.each([
    '{"a":{"a":{"a":1}}}',
    '{"a":"a","b":["a","a"],"c":{"b":1}}',
    '[{"a":1},{"a":1}]',
    '{"x":"\\"x\\":","y":1}',
    '{}',
    '"a"',
  ])('%s has none', (text) => {
    expect(duplicateMember(text)).toBeUndefined();
    expect(parseJsonWithoutDuplicates(text)).toEqual(JSON.parse(text));
  });

  it('finds none in anything JSON.stringify writes, and finds a member written twice anywhere', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), (value, pick) => {
        const text = JSON.stringify(value);
        expect(duplicateMember(text)).toBeUndefined();
        // Repeat one member of one object (found by re-serialising with a marker), and it is found.
        const objects: Record<string, unknown>[] = [];
        const collect = (v: unknown): void => {
          if (Array.isArray(v)) v.forEach(collect);
          else if (typeof v === 'object' && v !== null) {
            if (Object.keys(v).length > 0) objects.push(v as Record<string, unknown>);
            Object.values(v).forEach(collect);
          }
        };
        collect(value);
        fc.pre(objects.length > 0);
        const target = objects[pick % objects.length]!;
        const name = Object.keys(target)[0]!;
        const twice = `{${JSON.stringify(name)}:0,${JSON.stringify(target).slice(1)}`;
        const mutated = JSON.stringify(value, (_k, v: unknown) => (v === target ? '\u0000MARK\u0000' : v)).replace(JSON.stringify('\u0000MARK\u0000'), () => twice); // a function: `twice` may hold $ patterns
        expect(duplicateMember(mutated)).toBe(name);
      }),
      fuzz(300),
    );
  });
});
