import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { tempDir } from '../support/tmp.js';

const run = promisify(execFile);

describe('npm run demo:script (the scripted session)', () => {
  it('runs a counter session on the twins: sale, receipt, drawer, wallet, settlement; twice on the same data', async () => {
    const dir = tempDir();
    const demo = join(process.cwd(), 'dist/hw-sim/demo/run.js');
    const env = { ...process.env, POSD_DEMO_SCRIPT_DIR: dir, POSD_DEMO_EXIT: '1' };
    let firstPayment: string | undefined;
    for (const round of [1, 2]) {
      const { stdout } = await run(process.execPath, [demo], { env, timeout: 60_000 });
      expect(stdout).toMatch(/APPROVED payment is record \d+/);
      firstPayment ??= /APPROVED payment is record (\d+)/.exec(stdout)![1];
      expect(stdout).toContain('合计 TOTAL CNY');
      expect(stdout).toContain('cash drawer open');
      expect(stdout).toContain('a hardware wallet (ISO-DEP) in the field');
      expect(stdout).toMatch(/SETTLED through record \d+/);
      expect(stdout).toContain('backlog now: 0 unsettled, 0 waiting for upload, 0 dead letters');
      const journal = Journal.open(join(dir, 'terminal'), { readOnly: true });
      expect(journal.totals.CNY).toMatchObject({ n: round, in: 850 * round });
      journal.close();
    }
    // The receipt of the first payment (record 2: the terminal journals its profile at record 1).
    expect(existsSync(join(dir, `receipt-${firstPayment}.png`))).toBe(true);
  });
});
