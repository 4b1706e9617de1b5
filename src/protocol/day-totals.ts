import { KindTotalsBuilder } from './kind-totals.js';
import type { FinancialKind, KindTotals, TenderTotals } from './record.js';

type Mutable = Record<string, Record<string, Record<string, { n: number; amount: number }>>>;

/**
 * The totals a day close carries (docs/journal.md section 4): per asset and financial kind, and
 * per asset, tender and kind, where a return counts under the tender of the payment it returns.
 * The writer (the Z report) and the verifier use this one accumulator.
 */
export class DayTotalsBuilder {
  private readonly kinds = new KindTotalsBuilder();
  private readonly tenders: Mutable = {};
  private count = 0;

  add(kind: FinancialKind, asset: string, amount: number, tender: string): void {
    this.kinds.add(asset, kind, amount);
    const byKind = ((this.tenders[asset] ??= {})[tender] ??= {});
    const entry = (byKind[kind] ??= { n: 0, amount: 0 });
    entry.n++;
    entry.amount += amount;
    this.count++;
  }

  /** Financial records added. */
  get records(): number {
    return this.count;
  }

  build(): { totals: KindTotals; tenders: TenderTotals } {
    return { totals: this.kinds.build(), tenders: this.tenders };
  }
}

/** A day as `YYYY-MM-DD` that names a real Gregorian date from 1970-01-01 to 9999-12-31. */
export function isCalendarDay(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const [year, month, date] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1970 || month < 1 || month > 12 || date < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return date <= days;
}
