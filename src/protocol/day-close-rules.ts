import { canonicalJson } from '../encoding/canonical-json.js';
import { DayTotalsBuilder, isCalendarDay } from './day-totals.js';
import { TENDERS, isFinancialKind, type PaymentBody, type ReturnBody, type SignedRecord } from './record.js';

/** What a verifier finds wrong with a day_close (docs/journal.md section 9, check 11). */
export type DayCloseFailureCode =
  /** `day` is not a real calendar date. */
  | 'bad_close_date'
  /** `z` is not the previous day close's z + 1 (1 for the first). */
  | 'bad_close_number'
  /** `from` is not the previous day close's `through` + 1 (0 for the first). */
  | 'bad_close_from'
  /** `through` is not before the day close, or a financial record between `through` and it is left out. */
  | 'bad_close_through'
  /** `totals` or `tenders` differ from the sums of the financial records in `from .. through`. */
  | 'bad_close_totals';

export interface DayCloseFailure {
  code: DayCloseFailureCode;
  message: string;
}

/** Tender codes kept per seq: 0 = not a payment; i + 1 = TENDERS[i]. */
const TENDER_CODE = new Map<string, number>(TENDERS.map((t, i) => [t, i + 1]));

/**
 * Follows a journal record by record and checks every day_close against what came before it.
 * Memory: the totals since the last close (bounded by assets x tenders x kinds) and one byte per
 * record, the tender of each payment, because a return counts under its payment's tender and may
 * return a payment of any earlier day.
 */
export class DayCloseChecker {
  private last: { z: number; through: number } | null = null;
  private day = new DayTotalsBuilder();
  private lastFinancial = -1;
  private tenderOfSeq = new Uint8Array(1024);

  /** Feed each record in seq order, after its chain and signature checks; a failure names what is wrong. */
  observe(record: SignedRecord): DayCloseFailure | null {
    if (record.kind === 'payment') {
      this.remember(record.seq, record.body);
      this.add(record.seq, 'payment', record.body, record.body.tender);
      return null;
    }
    if (isFinancialKind(record.kind)) {
      const body = record.body as ReturnBody;
      const code = body.of < this.tenderOfSeq.length ? this.tenderOfSeq[body.of]! : 0;
      this.add(record.seq, record.kind, body, code === 0 ? 'unknown' : TENDERS[code - 1]!);
      return null;
    }
    if (record.kind !== 'day_close') return null;
    const body = record.body;
    const expectedZ = (this.last?.z ?? 0) + 1;
    const expectedFrom = (this.last?.through ?? -1) + 1;
    let failure: DayCloseFailure | null = null;
    if (!isCalendarDay(body.day)) {
      failure = { code: 'bad_close_date', message: `day ${JSON.stringify(body.day)} is not a calendar date` };
    } else if (body.z !== expectedZ) {
      failure = { code: 'bad_close_number', message: `Z number ${body.z} should be ${expectedZ}${this.last ? ` (the previous day close was Z ${this.last.z})` : ' (the first day close)'}` };
    } else if (body.from !== expectedFrom) {
      failure = { code: 'bad_close_from', message: `from ${body.from} should be ${expectedFrom}${this.last ? `, the record after the previous day close's through ${this.last.through}` : ' (the first day close starts at genesis)'}` };
    } else if (body.through >= record.seq) {
      failure = { code: 'bad_close_through', message: `through ${body.through} must be before the day close itself (seq ${record.seq})` };
    } else if (this.lastFinancial > body.through) {
      failure = { code: 'bad_close_through', message: `financial record ${this.lastFinancial} comes after through ${body.through} but before the day close: it belongs to no day` };
    } else {
      const { totals, tenders } = this.day.build();
      if (canonicalJson(totals) !== canonicalJson(body.totals)) {
        failure = { code: 'bad_close_totals', message: `totals ${canonicalJson(body.totals)} should be ${canonicalJson(totals)} (records ${body.from}..${body.through})` };
      } else if (canonicalJson(tenders) !== canonicalJson(body.tenders)) {
        failure = { code: 'bad_close_totals', message: `totals by tender ${canonicalJson(body.tenders)} should be ${canonicalJson(tenders)} (records ${body.from}..${body.through})` };
      }
    }
    if (failure) return failure;
    this.last = { z: body.z, through: body.through };
    this.day = new DayTotalsBuilder();
    return null;
  }

  private add(seq: number, kind: 'payment' | 'refund' | 'void' | 'reversal', body: { asset: string; amount: number }, tender: string): void {
    this.day.add(kind, body.asset, body.amount, tender);
    this.lastFinancial = seq;
  }

  private remember(seq: number, body: PaymentBody): void {
    if (seq >= this.tenderOfSeq.length) {
      const grown = new Uint8Array(Math.max(seq + 1, this.tenderOfSeq.length * 2));
      grown.set(this.tenderOfSeq);
      this.tenderOfSeq = grown;
    }
    this.tenderOfSeq[seq] = TENDER_CODE.get(body.tender) ?? 0;
  }
}
