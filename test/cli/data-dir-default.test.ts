import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../../src/cli/data-dir.js';
import { CliError } from '../../src/cli/exit.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { tempDir } from '../support/tmp.js';

const noConfig = (): never => {
  throw new Error('no configuration is read');
};

describe("posctl's data directory without --data-dir or a configuration", () => {
  it("takes posd's default data directory when it holds a journal, and says so", () => {
    const dataDir = tempDir();
    Journal.open(dataDir).close();
    const notes: string[] = [];
    const defaults = { config: join(tempDir(), 'posd.json'), dataDir };
    expect(resolveDataDir({}, noConfig, (line) => notes.push(line), defaults)).toBe(dataDir);
    expect(notes).toEqual([`posctl: no ${defaults.config}; using posd's default data directory ${dataDir}`]);
  });

  it('asks which terminal when the default holds none, or when a --config named is missing', () => {
    const empty = { config: join(tempDir(), 'posd.json'), dataDir: tempDir() };
    expect(() => resolveDataDir({}, noConfig, () => undefined, empty)).toThrow(CliError);
    const dataDir = tempDir();
    Journal.open(dataDir).close();
    expect(() => resolveDataDir({ config: join(dataDir, 'nowhere.json') }, noConfig, () => undefined, { config: empty.config, dataDir })).toThrow(/which terminal\?/);
  });
});
