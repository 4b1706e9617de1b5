import { KindTotalsBuilder } from '../../protocol/kind-totals.js';
import type { KindTotals, SignedRecord } from '../../protocol/record.js';
import type { AppendResult, Journal } from '../ledger/journal.js';

export interface DayClose {
  record: AppendResult;
  checkpoint: AppendResult;
  from: number;
  through: number;
  totals: KindTotals;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Closes the business day (the Z report): totals per asset and financial kind over every
 * record since the previous day close, as a signed day_close record, followed by a checkpoint
 * that commits to the whole journal so far.
 */
export function closeDay(journal: Journal, day: string): DayClose {
  if (!DAY.test(day)) throw new Error(`day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
  const lastSeq = journal.lastSeqOfKind('day_close');
  const last = lastSeq === null ? undefined : (journal.recordAt(lastSeq) as Extract<SignedRecord, { kind: 'day_close' }>);
  const from = last ? last.body.through + 1 : 0;
  const through = journal.headSeq;
  const totals = new KindTotalsBuilder();
  for (const money of journal.moneyRecords(from, through)) totals.add(money.asset, money.kind, money.amount);
  const built = totals.build();
  const record = journal.append({ kind: 'day_close', body: { day, from, through, totals: built } });
  const checkpoint = journal.appendCheckpoint();
  return { record, checkpoint, from, through, totals: built };
}
