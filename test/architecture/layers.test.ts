import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseOptions, type IForbiddenRuleType, type IReporterOutput } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as { forbidden: IForbiddenRuleType[]; options: ICruiseOptions };

describe('the layer rules of the house (.dependency-cruiser.cjs)', () => {
  it('no import crosses a layer', async () => {
    const result: IReporterOutput = await cruise(['src', 'hw-sim', 'bench', 'test'], {
      ...config.options,
      validate: true,
      ruleSet: { forbidden: config.forbidden },
    });
    const output = typeof result.output === 'string' ? undefined : result.output;
    const comments = new Map(config.forbidden.map((rule) => [rule.name, rule.comment]));
    const crossings = (output?.summary.violations ?? []).map((v) => `${v.rule.name}: ${v.from} -> ${v.to}\n    (${comments.get(v.rule.name) ?? ''})`);
    expect(crossings, `layer rules broken:\n  ${crossings.join('\n  ')}`).toEqual([]);
    expect(output?.summary.totalCruised).toBeGreaterThan(300);
  }, 60_000);
});
