import { isCalendarDay } from '../../protocol/day-totals.js';
import type { KindTotals, TenderTotals } from '../../protocol/record.js';
import type { AppendResult, Journal } from '../ledger/journal.js';
import { localDay } from '../local-time.js';
import { ReportError } from './errors.js';
import { openDay, shiftTotals } from './shift-totals.js';

export interface DayClose {
  record: AppendResult;
  checkpoint: AppendResult;
  day: string;
  /** The Z number: 1 for the terminal's first close, then +1, never reset. */
  z: number;
  from: number;
  through: number;
  totals: KindTotals;
  tenders: TenderTotals;
  /** Financial records the close covers. */
  records: number;
}

/**
 * Closes the business day (the Z report): totals per asset and financial kind, and per tender,
 * over every record since the previous day close, as a signed day_close record with the next Z
 * number, followed by a checkpoint that commits to the whole journal so far. Irreversible: what
 * comes after goes to the next day. Throws ReportError('bad_day') for a day that is no date.
 */
export function closeDay(journal: Journal, day: string): DayClose {
  if (!isCalendarDay(day)) throw new ReportError('bad_day', `day must be a calendar date YYYY-MM-DD, got ${JSON.stringify(day)}`);
  const { from, z } = openDay(journal);
  const through = journal.headSeq;
  const shift = shiftTotals(journal, from, through);
  const record = journal.append({ kind: 'day_close', body: { day, z, from, through, totals: shift.totals, tenders: shift.tenders } });
  const checkpoint = journal.appendCheckpoint();
  return { record, checkpoint, day, z, from, through, totals: shift.totals, tenders: shift.tenders, records: shift.records };
}

/**
 * The business day a Z closes when none is named: the local date (in the shop's zone) of the
 * open day's first financial record, so a shop open past midnight closes the day it opened;
 * with no record yet, today's local date.
 */
export function businessDay(journal: Journal, zone: string, now: number): string {
  const { from } = openDay(journal);
  let wall = now;
  for (const record of journal.financialRecords(from, journal.headSeq)) {
    wall = record.time.wall;
    break; // ends the query (an open iterator would keep the connection busy)
  }
  return localDay(wall, zone);
}

/** The last day close's business day and Z number, or null before the first Z. */
export function lastClosedDay(journal: Journal): { day: string; z: number } | null {
  const seq = journal.lastSeqOfKind('day_close');
  const record = seq === null ? undefined : journal.recordAt(seq);
  return record?.kind === 'day_close' ? { day: record.body.day, z: record.body.z } : null;
}

/** The calendar day after a YYYY-MM-DD day. */
export function dayAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}
