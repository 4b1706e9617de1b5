import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportJournal } from '../../src/terminal/ledger/export.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { closeDay } from '../../src/terminal/reports/day-close.js';
import { verifyExportFile } from '../../src/protocol/verify-export.js';
import { cashPayment } from '../support/records.js';
import { tempDir } from '../support/tmp.js';

describe('day close', () => {
  it('totals each day since the last close, signs it, and checkpoints the journal', async () => {
    const dir = tempDir();
    const journal = Journal.open(dir);
    const paid = journal.append(cashPayment(1000));
    journal.append(cashPayment(250, 'MAT'));
    journal.append({ kind: 'refund', body: { asset: 'CNY', amount: 300, of: paid.seq, reason: 'returned' } });
    const monday = closeDay(journal, '2026-11-23');
    expect(monday).toMatchObject({ from: 0, through: 3 });
    expect(monday.totals).toEqual({ CNY: { payment: { n: 1, amount: 1000 }, refund: { n: 1, amount: 300 } }, MAT: { payment: { n: 1, amount: 250 } } });
    expect(monday.checkpoint.seq).toBe(monday.record.seq + 1);

    journal.append(cashPayment(70));
    const tuesday = closeDay(journal, '2026-11-24');
    expect(tuesday.from).toBe(monday.through + 1);
    expect(tuesday.totals).toEqual({ CNY: { payment: { n: 1, amount: 70 } } });
    expect(() => closeDay(journal, '24.11.2026')).toThrow(/YYYY-MM-DD/);

    exportJournal(journal, join(dir, 'x.jsonl'));
    journal.close();
    expect((await verifyExportFile(join(dir, 'x.jsonl'))).checkpoints).toBe(2);
  });
});
