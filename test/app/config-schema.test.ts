import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { configJsonSchema, configJsonSchemaText } from '../../src/app/index.js';
import { GPIO_TIMING_RANGES } from '../../src/app/config/sections/gpio.js';
import { PROFILES } from '../../src/drivers/escpos/profiles.js';
import { defaultGpioTiming, parseGpioTiming } from '../../src/drivers/gpio/timing.js';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; anyOf?: Schema[] };

/** Every subschema with the path that leads to it. */
function walk(schema: Schema, path = '', out: [string, Schema][] = []): [string, Schema][] {
  out.push([path, schema]);
  for (const [key, child] of Object.entries(schema.properties ?? {})) walk(child, `${path}.${key}`, out);
  (schema.anyOf ?? []).forEach((child, i) => walk(child, `${path}|${i}`, out));
  return out;
}

const schema = configJsonSchema() as Schema;

describe('the configuration schema', () => {
  it('is committed as docs/config.schema.json, up to date (else run `npm run schema`)', () => {
    const committed = readFileSync(join(process.cwd(), 'docs', 'config.schema.json'), 'utf8');
    expect(committed, 'docs/config.schema.json is stale: run `npm run schema` and commit it').toBe(configJsonSchemaText());
  });

  it('describes every setting and takes no unknown key anywhere', () => {
    for (const [path, node] of walk(schema)) {
      if (node.type === 'object') expect(node.additionalProperties, `${path || 'the root'} takes unknown keys`).toBe(false);
      const isProperty = !path.split('.').at(-1)!.includes('|') && path !== '';
      if (isProperty) expect(typeof node.description, `${path} has no description`).toBe('string');
    }
  });

  it('says what a refused value must be wherever a value can be refused for more than its type', () => {
    for (const [path, node] of walk(schema)) {
      const constrained = ['pattern', 'minimum', 'maximum', 'anyOf'].some((k) => k in node) || node.minLength !== undefined;
      const branchOfExplained = path.includes('|');
      if (constrained && !branchOfExplained && node.type !== 'object') expect(node['x-expected'], `${path} has no x-expected`).toEqual(expect.any(String));
    }
  });

  it('states defaults that its own rules accept', () => {
    const ajv = new Ajv({ strict: false });
    const withDefaults = walk(schema).filter(([, node]) => 'default' in node);
    expect(withDefaults.map(([path]) => path)).toEqual(expect.arrayContaining(['.merchant', '.devices', '.api', '.api.listen', '.log', '.log.level', '.devices.printer.profile', '.devices.gpio.timing.drawerPulseMs']));
    for (const [path, node] of withDefaults) {
      const { default: value, ...rules } = node;
      expect(ajv.validate(rules, value), `${path}: default ${JSON.stringify(value)} ${ajv.errorsText()}`).toBe(true);
    }
  });

  it('holds the GPIO timing ranges and defaults the driver holds', () => {
    for (const [key, [min, max]] of Object.entries(GPIO_TIMING_RANGES)) {
      expect(() => parseGpioTiming({ [key]: min }), `${key} ${min}`).not.toThrow();
      expect(() => parseGpioTiming({ [key]: max }), `${key} ${max}`).not.toThrow();
      if (min > 0) expect(() => parseGpioTiming({ [key]: min - 1 }), `${key} ${min - 1}`).toThrow();
      expect(() => parseGpioTiming({ [key]: max + 1 }), `${key} ${max + 1}`).toThrow();
    }
    expect(Object.keys(GPIO_TIMING_RANGES).sort()).toEqual(Object.keys(defaultGpioTiming).sort());
    const timing = walk(schema).find(([path]) => path === '.devices.gpio.timing')![1];
    expect(Object.fromEntries(Object.entries(timing.properties!).map(([k, v]) => [k, v.default]))).toEqual(defaultGpioTiming);
  });

  it('offers exactly the printer profiles the driver knows', () => {
    const profile = walk(schema).find(([path]) => path === '.devices.printer.profile')![1];
    expect(profile.anyOf!.map((s) => s.const)).toEqual(PROFILES.map((p) => p.id));
  });
});

describe('docs/config.md', () => {
  const doc = readFileSync(join(process.cwd(), 'docs', 'config.md'), 'utf8');

  it('names every setting the schema has', () => {
    const keys = new Set(walk(schema).flatMap(([path]) => path.split(/[.|]/).filter((k) => k !== '' && !/^\d+$/.test(k))));
    const documented = (key: string): boolean => doc.includes(`\`${key}\``) || doc.includes(`.${key}\``) || new RegExp(`^#+ .*\\b${key}$`, 'm').test(doc);
    const missing = [...keys].filter((key) => !documented(key));
    expect(missing, 'settings not documented in docs/config.md').toEqual([]);
  });

  it('shows a complete example that posd accepts as it stands', async () => {
    const { parseConfig } = await import('../../src/app/index.js');
    const example = /## A complete example\n\n```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const config = parseConfig(JSON.parse(example!), '/etc/posd');
    expect(Object.keys(config.devices)).toEqual(['printer', 'scanner', 'nfc', 'gpio']);
  });
});
