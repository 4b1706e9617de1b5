import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';

const FIXTURE = join(process.cwd(), 'dist/test/fixtures/api-loaded-packages.js');

/** The npm packages a process loaded, from its CommonJS file list. */
function packagesOf(files: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (match) names.add(match[1]!);
  }
  return names;
}

describe('what an idle terminal carries', () => {
  it('posd with its API loads neither Ajv compiler of fastify nor fast-json-stringify (it brings its own validator and serializer)', () => {
    const out = execFileSync(process.execPath, [FIXTURE, tempDir('posd-lean-')], { encoding: 'utf8', timeout: 60_000 });
    const { loaded } = JSON.parse(out.trim().split('\n').pop()!) as { loaded: string[] };
    const packages = packagesOf(loaded);
    // The check means something only if the fixture loaded fastify at all.
    expect(packages.has('fastify')).toBe(true);
    expect(packages.has('@fastify/ajv-compiler')).toBe(false);
    expect(packages.has('@fastify/fast-json-stringify-compiler')).toBe(false);
    expect(loaded.filter((f) => /fast-json-stringify\/index\.js$/.test(f))).toEqual([]);
  });
});
