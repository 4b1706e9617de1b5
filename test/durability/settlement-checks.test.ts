import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { drainerFor, startAcquirer } from '../support/acquirer.js';
import { cashPayment } from '../support/records.js';
import { expectSettledExactlyOnce } from '../support/settlement-checks.js';
import { tempDir } from '../support/tmp.js';

/** A settled journal and the acquirer that settled it; `tamper` edits the acquirer's store afterwards. */
async function settled(tamper: (db: Database.Database, terminal: string) => void): Promise<() => void> {
  const sim = await startAcquirer();
  const journal = Journal.open(tempDir());
  for (let i = 0; i < 12; i++) journal.append(cashPayment(100 + i, i % 3 === 0 ? 'MAT' : 'CNY'));
  journal.append({ kind: 'refund', body: { asset: 'CNY', amount: 50, of: 2, reason: 'test' } });
  await drainerFor(journal, sim, { batchSize: 5 }).drain(5);
  expectSettledExactlyOnce(journal, sim);
  tamper(sim.db, journal.terminalId);
  return () => {
    try {
      expectSettledExactlyOnce(journal, sim);
    } finally {
      journal.close();
    }
  };
}

describe('the settlement checks can fail', () => {
  it('when the acquirer lacks a record', async () => {
    const check = await settled((db, t) => db.prepare('DELETE FROM records WHERE terminal = ? AND seq = 4').run(t));
    expect(check).toThrow(/holds every journal record/);
  });

  it("when the acquirer's record differs from the terminal's", async () => {
    const check = await settled((db, t) => db.prepare('UPDATE records SET hash = zeroblob(32) WHERE terminal = ? AND seq = 3').run(t));
    expect(check).toThrow(/record 3/);
  });

  it('when an amount the acquirer holds is not the signed one', async () => {
    const check = await settled((db, t) => db.prepare('UPDATE records SET amount = amount + 1 WHERE terminal = ? AND seq = 5').run(t));
    expect(check).toThrow(/record 5/);
  });

  it('when what was settled, per asset and kind, is not what the signed records say', async () => {
    const check = await settled((db, t) => {
      const row = db.prepare('SELECT close_id, ack FROM closes WHERE terminal = ? AND balanced = 1 ORDER BY from_seq LIMIT 1').get(t) as { close_id: string; ack: string };
      const ack = JSON.parse(row.ack) as { totals: Record<string, Record<string, { n: number; amount: number }>> };
      // Move one unit from payments to refunds: the in/out grand totals change, and the per-kind check names it.
      ack.totals.CNY!.payment!.amount -= 1;
      ack.totals.CNY!.refund = { n: 0, amount: (ack.totals.CNY!.refund?.amount ?? 0) + 1 };
      db.prepare('UPDATE closes SET ack = ? WHERE terminal = ? AND close_id = ?').run(JSON.stringify(ack), t, row.close_id);
    });
    expect(check).toThrow(/settled per asset and kind/);
  });
});
