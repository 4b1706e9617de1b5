import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../src/settlement/outbox.js';
import { LedgerIntegrityError } from '../../src/terminal/ledger/integrity-error.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { closeDay } from '../../src/terminal/reports/day-close.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { rawJournalDb } from '../support/raw-db.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';

const POSCTL = join(process.cwd(), 'dist/src/bin/posctl.js');
const run = promisify(execFile);

/** A journal with three payments, one of whose `amount` column was edited by hand (triggers dropped first). */
function tamperedJournal(): string {
  const dir = tempDir();
  const journal = Journal.open(dir);
  journal.append(cashPayment(1234));
  journal.append(cashPayment(500));
  journal.append(cashPayment(700));
  journal.close();
  const db = rawJournalDb(dir);
  db.exec('DROP TRIGGER journal_no_update');
  db.prepare('UPDATE journal SET amount = 1 WHERE seq = 1').run();
  db.close();
  return dir;
}

function integrityErrorOf(action: () => unknown): LedgerIntegrityError {
  try {
    action();
  } catch (err) {
    if (err instanceof LedgerIntegrityError) return err;
    throw err;
  }
  throw new Error('no integrity error');
}

describe('the derived columns are caches the ledger cross-checks', () => {
  it('reads money from the signed records, and names a hand-edited amount column', () => {
    const journal = Journal.open(tamperedJournal());
    const backlog = integrityErrorOf(() => new Outbox(journal).counters());
    expect(backlog.code).toBe('derived_mismatch');
    expect(backlog.seq).toBe(1);
    expect(backlog.message).toContain('amount column says 1 but the signed record says 1234');

    expect(integrityErrorOf(() => closeDay(journal, '2026-11-30')).code).toBe('derived_mismatch');
    const refund = integrityErrorOf(() => journal.append({ kind: 'refund', body: { asset: 'CNY', amount: 1, of: 1, reason: 'test' } }));
    expect(refund.code).toBe('derived_mismatch');
    expect(journal.headSeq).toBe(3);
    journal.close();
  });

  it('stops settlement with integrity_failed instead of wedging on totals_mismatch', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tamperedJournal());
    const drainer = drainerFor(journal, sim);
    const failure = await drainer.drainOnce().catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'integrity_failed' });
    expect((failure as Error).message).toContain('record 1');
    expect(drainer.status().lastError?.code).toBe('integrity_failed');
    const closes = sim.db.prepare('SELECT COUNT(*) FROM closes').pluck().get() as number;
    expect(closes).toBe(0);
    journal.close();
  });

  it('posctl status names the edited record instead of showing a wrong net', async () => {
    const dir = tamperedJournal();
    const failed = await run(process.execPath, [POSCTL, 'status', '--data-dir', dir]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('derived_mismatch');
    expect(failed.stderr).toContain('record 1');
  });

  it('counts the backlog from signed records as payments arrive and settle', async () => {
    const sim = await startAcquirer();
    const journal = Journal.open(tempDir());
    const outbox = new Outbox(journal);
    expect(outbox.counters().unsettledCount).toBe(0);
    journal.append(cashPayment(300));
    journal.append(cashPayment(200, 'MAT'));
    journal.append({ kind: 'refund', body: { asset: 'CNY', amount: 100, of: 1, reason: 'return' } });
    expect(outbox.counters().unsettled).toEqual({ CNY: { count: 2, net: 200 }, MAT: { count: 1, net: 200 } });
    expect(outbox.counters().oldestUnsettledSeq).toBe(1);
    await drainerFor(journal, sim, { outbox }).drainOnce();
    expect(outbox.counters().unsettledCount).toBe(0);
    journal.close();
  });
});
