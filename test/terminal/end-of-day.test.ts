import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyExportFile } from '../../src/protocol/verify-export.js';
import type { Clock } from '../../src/terminal/clock.js';
import { exportJournal } from '../../src/terminal/ledger/export.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { businessDay, closeDay } from '../../src/terminal/reports/day-close.js';
import { reportContent, xReport, zReport } from '../../src/terminal/reports/end-of-day.js';
import { tempDir } from '../support/tmp.js';
import { walletTapDraft } from '../support/wallet-proofs.js';

/** A clock the test moves: records get the wall time it is set to. */
function settableClock(start: number): Clock & { set(wall: number): void } {
  let wall = start;
  let mono = 0;
  return { now: () => ({ wall, boot: 'test-boot', mono: mono++ }), set: (w) => (wall = w) };
}

/** 2026-11-23 17:02:03 UTC: 01:02:03 on the 24th in Hangzhou. */
const HANGZHOU_0102 = Date.UTC(2026, 10, 23, 17, 2, 3);

function sales(journal: Journal): void {
  const cash = journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 1000, tender: 'cash', ref: 'o-1', details: { tendered: 2000, change: 1000 } } });
  const tap = journal.append(walletTapDraft({ terminal: journal.terminalId, asset: 'MAT', amount: 300, ref: 'o-2', wallet: 'ab'.repeat(16), counter: 1 }));
  journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 1250, tender: 'code', ref: 'o-3', details: { maskedCode: '1345**********6789' } } });
  journal.append({ kind: 'refund', body: { asset: 'CNY', amount: 250, of: cash.seq, reason: 'returned' } });
  journal.append({ kind: 'void', body: { asset: 'MAT', amount: 300, of: tap.seq, reason: 'wrong item' } });
}

describe('X and Z reports', () => {
  it('X shows running totals by asset and method without resetting; Z closes the day; a second Z continues the Z number', async () => {
    const dir = tempDir();
    const clock = settableClock(HANGZHOU_0102);
    const journal = Journal.open(dir, { clock });
    sales(journal);

    const x1 = xReport(journal, HANGZHOU_0102);
    expect(x1).toMatchObject({ type: 'X', z: 1, day: null, from: 0, through: 5, records: 5, dayCloseSeq: null });
    expect(x1.totals).toEqual({
      CNY: { payment: { n: 2, amount: 2250 }, refund: { n: 1, amount: 250 } },
      MAT: { payment: { n: 1, amount: 300 }, void: { n: 1, amount: 300 } },
    });
    expect(x1.tenders).toEqual({
      CNY: { cash: { payment: { n: 1, amount: 1000 }, refund: { n: 1, amount: 250 } }, code: { payment: { n: 1, amount: 1250 } } },
      MAT: { wallet_tap: { payment: { n: 1, amount: 300 }, void: { n: 1, amount: 300 } } },
    });
    expect(journal.headSeq).toBe(5); // an X writes nothing
    expect(xReport(journal, HANGZHOU_0102 + 1)).toMatchObject({ totals: x1.totals, tenders: x1.tenders, z: 1 });

    // The business day of a sale at 01:02 in Hangzhou is the 24th, not the 23rd (UTC).
    expect(businessDay(journal, 'Asia/Shanghai', HANGZHOU_0102 + 3_600_000)).toBe('2026-11-24');
    const z1 = closeDay(journal, businessDay(journal, 'Asia/Shanghai', HANGZHOU_0102));
    expect(z1).toMatchObject({ day: '2026-11-24', z: 1, from: 0, through: 5, records: 5, totals: x1.totals, tenders: x1.tenders });
    expect(z1.record.record).toMatchObject({ kind: 'day_close', body: { z: 1, day: '2026-11-24', tenders: x1.tenders } });
    expect(z1.checkpoint.seq).toBe(z1.record.seq + 1);

    const afterZ = xReport(journal, HANGZHOU_0102);
    expect(afterZ).toMatchObject({ z: 2, from: 6, records: 0, totals: {}, tenders: {} });

    clock.set(HANGZHOU_0102 + 86_400_000);
    journal.append({ kind: 'payment', body: { asset: 'CNY', amount: 700, tender: 'merchant_qr', ref: 'o-4', details: {} } });
    journal.append({ kind: 'refund', body: { asset: 'CNY', amount: 100, of: 1, reason: 'second look' } }); // yesterday's cash sale
    const z2 = closeDay(journal, businessDay(journal, 'Asia/Shanghai', Date.now()));
    expect(z2).toMatchObject({ z: 2, day: '2026-11-25', from: z1.through + 1 });
    expect(z2.tenders).toEqual({ CNY: { merchant_qr: { payment: { n: 1, amount: 700 } }, cash: { refund: { n: 1, amount: 100 } } } });
    const z3 = closeDay(journal, '2026-11-25');
    expect(z3).toMatchObject({ z: 3, records: 0, totals: {} }); // a zero Z is still a Z, numbered
    expect(() => closeDay(journal, '2026-02-30')).toThrow(expect.objectContaining({ code: 'bad_day' }));
    expect(() => closeDay(journal, '24.11.2026')).toThrow(/YYYY-MM-DD/);

    exportJournal(journal, join(dir, 'journal.jsonl'));
    journal.close();
    expect(await verifyExportFile(join(dir, 'journal.jsonl'))).toMatchObject({ checkpoints: 3 });
  });

  it('prints X and Z in the shop language: per asset never summed together, then by method', () => {
    const journal = Journal.open(tempDir(), { clock: settableClock(HANGZHOU_0102) });
    sales(journal);
    const look = { merchant: { name: '街角小店 Corner Shop', city: '杭州 Hangzhou' }, timezone: 'Asia/Shanghai', language: 'zh-en' as const };
    const x = reportContent(xReport(journal, HANGZHOU_0102), look);
    expect(x.titles).toEqual(['X 报表 X REPORT', '不清零 no reset']);
    expect(x.info).toContainEqual({ label: '时间 Time', value: '2026-11-24 01:02:03' });
    expect(x.info).toContainEqual({ label: '下一 Z 号 Next Z', value: '1' });
    expect(x.sections!.map((s) => s.title)).toEqual(['CNY', 'CNY 按支付方式 by method', 'MAT', 'MAT 按支付方式 by method']);
    expect(x.sections![0]!.rows).toEqual([
      { label: '销售 Sales (2)', value: '22.50' },
      { label: '退款 Refunds (1)', value: '-2.50' },
      { label: '撤销 Voids (0)', value: '0.00' },
      { label: '净额 Net', value: '20.00', emphasis: true },
    ]);
    expect(x.sections![1]!.rows).toEqual([
      { label: '现金 Cash (1)', value: '10.00' },
      { label: '  退款 Refunds (1)', value: '-2.50' },
      { label: '付款码 Payment code (1)', value: '12.50' },
    ]);
    expect(x.sections![2]!.rows.at(-1)).toEqual({ label: '净额 Net', value: '0.00', emphasis: true });
    const z = reportContent(zReport(journal.terminalId, closeDay(journal, '2026-11-24'), HANGZHOU_0102), { ...look, language: 'en' });
    expect(z.titles).toEqual(['Z REPORT', 'day close', 'Z-0001']);
    expect(z.info).toContainEqual({ label: 'Business day', value: '2026-11-24' });
    expect(z.header).toEqual(['Corner Shop', 'Hangzhou']);
    journal.close();
  });
});
