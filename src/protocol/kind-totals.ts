import { canonicalJson } from '../encoding/canonical-json.js';
import type { KindTotals } from './record.js';

type Mutable = Record<string, Record<string, { n: number; amount: number }>>;

/** Per asset, per financial kind: how many records and how much money. Used by settlement and day close. */
export class KindTotalsBuilder {
  private readonly totals: Mutable = {};

  add(asset: string, kind: string, amount: number): void {
    const byKind = (this.totals[asset] ??= {});
    const entry = (byKind[kind] ??= { n: 0, amount: 0 });
    entry.n++;
    entry.amount += amount;
  }

  build(): KindTotals {
    return this.totals;
  }
}

export function sameKindTotals(a: KindTotals, b: KindTotals): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
