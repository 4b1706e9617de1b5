import { Ajv } from 'ajv';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApi } from './support.js';

// The API compiles its route schemas without checking them against the JSON Schema
// meta-schema (src/api/http/validation.ts, a cost at every start): this test catches every
// schema the API compiles and checks each against it instead.
describe("the API's request schemas", () => {
  afterEach(() => vi.restoreAllMocks());

  it('are each a valid JSON Schema (draft-07 meta-schema)', async () => {
    const compiled: object[] = [];
    const compile = Ajv.prototype.compile;
    vi.spyOn(Ajv.prototype, 'compile').mockImplementation(function (this: Ajv, schema: object) {
      compiled.push(schema);
      return compile.call(this, schema);
    } as typeof compile);
    await startApi();
    // Bodies, query strings, params and headers of the routes: far more than a handful.
    expect(compiled.length).toBeGreaterThan(20);
    const meta = new Ajv({ strict: false });
    const broken = compiled.filter((schema) => !meta.validateSchema(schema)).map((schema) => `${JSON.stringify(schema).slice(0, 200)}: ${meta.errorsText()}`);
    expect(broken).toEqual([]);
    expect(meta.validateSchema({ type: 'object', properties: { a: { minLength: 'one' } } })).toBe(false);
  });
});
