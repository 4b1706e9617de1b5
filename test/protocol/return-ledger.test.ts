import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReturnKind, SignedRecord } from '../../src/protocol/record.js';
import { ReturnLedger } from '../../src/protocol/return-ledger.js';
import { checkReturn } from '../../src/terminal/ledger/return-rules.js';
import { fuzz } from '../fuzz/settings.js';

/** The verifier's return rules (ReturnLedger) against the writer's (checkReturn): one set of rules, two implementations. */

type Step = { kind: 'payment'; asset: string; amount: number } | { kind: ReturnKind; of: number; asset: string; amount: number };

const asset = fc.constantFrom('CNY', 'MAT');
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('payment' as const), asset, amount: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constantFrom<ReturnKind>('refund', 'void', 'reversal'), of: fc.nat(30), asset, amount: fc.integer({ min: 1, max: 1000 }) }),
);

/** Runs the steps through both; returns, per step, whether each implementation accepted it. */
function both(steps: readonly Step[]): { writer: boolean; verifier: boolean }[] {
  const ledger = new ReturnLedger();
  const records: ({ kind: string; body: { asset: string; amount: number } } | undefined)[] = [undefined]; // seq 0: the genesis
  const returned = new Map<number, { kind: string; amount: number }[]>();
  return steps.map((s) => {
    const seq = records.length;
    if (s.kind === 'payment') {
      ledger.payment(seq, s.asset, s.amount);
      records.push({ kind: 'payment', body: s });
      return { writer: true, verifier: true };
    }
    let writer = true;
    try {
      // The writer looks the payment up among the records already written.
      const payment = s.of < seq ? (records[s.of] as SignedRecord | undefined) : undefined;
      checkReturn(s.kind, s, payment, returned.get(s.of) ?? []);
    } catch {
      writer = false;
    }
    const verifier = ledger.apply(s.kind, seq, s) === undefined;
    if (writer) {
      records.push({ kind: s.kind, body: s });
      returned.set(s.of, [...(returned.get(s.of) ?? []), { kind: s.kind, amount: s.amount }]);
    } else {
      records.push(undefined); // a refused return is not written; keep seqs aligned with a record that is no payment
    }
    return { writer, verifier };
  });
}

describe('the return rules: writer and verifier agree', () => {
  it('on any sequence of payments and returns, each return is accepted by both or by neither', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        for (const [i, r] of both(steps).entries()) expect(r.verifier, `step ${i}: ${JSON.stringify(steps[i])}`).toBe(r.writer);
      }),
      fuzz(500),
    );
  });

  it('keeps payments across chunk boundaries and far apart', () => {
    const ledger = new ReturnLedger();
    ledger.payment(65_535, 'CNY', 100);
    ledger.payment(65_536, 'CNY', 200);
    ledger.payment(5_000_000, 'MAT', 300);
    expect(ledger.apply('refund', 5_000_001, { of: 65_535, asset: 'CNY', amount: 100 })).toBeUndefined();
    expect(ledger.apply('void', 5_000_002, { of: 65_536, asset: 'CNY', amount: 200 })).toBeUndefined();
    expect(ledger.apply('refund', 5_000_003, { of: 5_000_000, asset: 'MAT', amount: 301 })).toMatch(/exceeds/);
    expect(ledger.apply('refund', 5_000_004, { of: 4_000_000, asset: 'MAT', amount: 1 })).toMatch(/not a payment/);
    expect(ledger.bytes).toBe(3 * 65_536 * 12);
  });
});
