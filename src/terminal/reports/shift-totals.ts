import { DayTotalsBuilder } from '../../protocol/day-totals.js';
import type { KindTotals, PaymentBody, SignedRecord, TenderTotals } from '../../protocol/record.js';
import type { Journal } from '../ledger/journal.js';

/** The money of a span of the journal, as a day close carries it. */
export interface ShiftTotals {
  from: number;
  through: number;
  totals: KindTotals;
  tenders: TenderTotals;
  /** Financial records counted. */
  records: number;
  /** Wall clock of the first financial record, or null when there is none. */
  firstWall: number | null;
}

/** Where the open business day starts: after the last day close, and the Z number it will get. */
export function openDay(journal: Journal): { from: number; z: number } {
  const lastSeq = journal.lastSeqOfKind('day_close');
  const last = lastSeq === null ? undefined : (journal.recordAt(lastSeq) as Extract<SignedRecord, { kind: 'day_close' }>);
  return { from: last ? last.body.through + 1 : 0, z: last ? last.body.z + 1 : 1 };
}

/**
 * Totals per asset and kind, and per asset, tender and kind, over the financial records of
 * [from, through], read from their signed text. A return counts under the tender of the payment
 * it returns (read from that payment's record, which may be of an earlier day).
 */
export function shiftTotals(journal: Journal, from: number, through: number): ShiftTotals {
  const builder = new DayTotalsBuilder();
  const tenderOf = new Map<number, string>();
  let firstWall: number | null = null;
  for (const record of journal.financialRecords(from, through)) {
    firstWall ??= record.time.wall;
    if (record.kind === 'payment') {
      tenderOf.set(record.seq, record.body.tender);
      builder.add('payment', record.body.asset, record.body.amount, record.body.tender);
      continue;
    }
    if (record.kind !== 'refund' && record.kind !== 'void' && record.kind !== 'reversal') continue;
    const body = record.body;
    let tender = tenderOf.get(body.of);
    if (tender === undefined) {
      const original = journal.recordAt(body.of);
      tender = original?.kind === 'payment' ? (original.body as PaymentBody).tender : 'unknown';
    }
    builder.add(record.kind, body.asset, body.amount, tender);
  }
  const { totals, tenders } = builder.build();
  return { from, through, totals, tenders, records: builder.records, firstWall };
}
