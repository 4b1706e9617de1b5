import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { EXPECTED } from '../../src/app/config/schema-kit.js';
import { PosdConfigSchema } from '../../src/app/config/schema.js';

// posd compiles the configuration schema without checking it against the JSON Schema
// meta-schema (src/app/config/validate.ts, a cost at every start): this test checks it instead.
describe('the configuration schema', () => {
  const ajv = new Ajv({ strict: true, strictTypes: false });
  ajv.addKeyword(EXPECTED);

  it('is a valid JSON Schema (draft-07 meta-schema)', () => {
    expect(ajv.validateSchema(PosdConfigSchema), ajv.errorsText()).toBe(true);
  });

  it('is checked for real: a broken schema is refused', () => {
    expect(ajv.validateSchema({ type: 'object', properties: { a: { type: 'whole number' } } })).toBe(false);
  });
});
