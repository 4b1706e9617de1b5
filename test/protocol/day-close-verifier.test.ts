import { describe, expect, it } from 'vitest';
import { Signer } from '../../src/crypto/ed25519.js';
import { ChainVerifier, VerifyFailure } from '../../src/protocol/chain-verifier.js';
import { isCalendarDay } from '../../src/protocol/day-totals.js';
import type { DayCloseBody } from '../../src/protocol/record.js';
import { ChainBuilder } from '../support/chain.js';
import { walletTapDraft } from '../support/wallet-proofs.js';

/**
 * A journal over two business days:
 *   1 payment CNY 1000 cash, 2 payment MAT 300 wallet_tap, 3 refund CNY 250 of 1, 4 void MAT 300 of 2,
 *   5 day_close Z1 (0..4), 6 payment CNY 700 code, 7 refund CNY 100 of 1 (yesterday's cash sale),
 *   8 day_close Z2 (5..7).
 */
function twoDays(): { chain: ChainBuilder; z1: DayCloseBody; z2: DayCloseBody } {
  const chain = new ChainBuilder(Signer.fromSeed(new Uint8Array(32).fill(11)));
  chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 1000, tender: 'cash', ref: 'o-1', details: { tendered: 1000, change: 0 } } });
  chain.add(walletTapDraft({ terminal: chain.terminal, asset: 'MAT', amount: 300, ref: 'o-2', wallet: 'ab'.repeat(16), counter: 1 }));
  chain.add({ kind: 'refund', body: { asset: 'CNY', amount: 250, of: 1, reason: 'returned' } });
  chain.add({ kind: 'void', body: { asset: 'MAT', amount: 300, of: 2, reason: 'wrong item' } });
  const z1: DayCloseBody = {
    day: '2026-11-23',
    z: 1,
    from: 0,
    through: 4,
    totals: { CNY: { payment: { n: 1, amount: 1000 }, refund: { n: 1, amount: 250 } }, MAT: { payment: { n: 1, amount: 300 }, void: { n: 1, amount: 300 } } },
    tenders: { CNY: { cash: { payment: { n: 1, amount: 1000 }, refund: { n: 1, amount: 250 } } }, MAT: { wallet_tap: { payment: { n: 1, amount: 300 }, void: { n: 1, amount: 300 } } } },
  };
  const z2: DayCloseBody = {
    day: '2026-11-24',
    z: 2,
    from: 5,
    through: 7,
    totals: { CNY: { payment: { n: 1, amount: 700 }, refund: { n: 1, amount: 100 } } },
    tenders: { CNY: { code: { payment: { n: 1, amount: 700 } }, cash: { refund: { n: 1, amount: 100 } } } },
  };
  return { chain, z1, z2 };
}

function verdict(chain: ChainBuilder): string {
  const verifier = new ChainVerifier();
  try {
    chain.texts.forEach((text, i) => verifier.push(text, i + 2));
    verifier.finish();
    return 'ok';
  } catch (e) {
    if (e instanceof VerifyFailure) return `${e.code} at seq ${e.seq}: ${e.reason}`;
    throw e;
  }
}

/** The two-day journal with the first and second day close as given. */
function journalWith(first: Partial<DayCloseBody>, second: Partial<DayCloseBody> = {}): string {
  const { chain, z1, z2 } = twoDays();
  chain.add({ kind: 'day_close', body: { ...z1, ...first } });
  chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 700, tender: 'code', ref: 'o-3', details: { maskedCode: '1345**********6789' } } });
  chain.add({ kind: 'refund', body: { asset: 'CNY', amount: 100, of: 1, reason: 'second look' } });
  chain.add({ kind: 'day_close', body: { ...z2, ...second } });
  return verdict(chain);
}

describe('the verifier checks every day_close (docs/journal.md section 9, check 11)', () => {
  it('accepts day closes whose number, range and totals follow from the records, a return counted under its payment tender', () => {
    expect(journalWith({})).toBe('ok');
  });

  it('bad_close_date: the day must be a real calendar date', () => {
    expect(journalWith({ day: '2026-02-29' })).toMatch(/^bad_close_date at seq 5: day "2026-02-29" is not a calendar date/);
    expect(journalWith({ day: '2026-13-01' })).toMatch(/^bad_close_date/);
    expect(journalWith({ day: '2028-02-29' })).toBe('ok');
    expect(isCalendarDay('1969-12-31')).toBe(false);
    expect(isCalendarDay('2000-02-29')).toBe(true);
    expect(isCalendarDay('2100-02-29')).toBe(false);
  });

  it('bad_close_number: Z numbers start at 1 and go up by one, never repeated or skipped', () => {
    expect(journalWith({ z: 2 })).toMatch(/^bad_close_number at seq 5: Z number 2 should be 1 \(the first day close\)/);
    expect(journalWith({}, { z: 1 })).toMatch(/^bad_close_number at seq 8: Z number 1 should be 2 \(the previous day close was Z 1\)/);
    expect(journalWith({}, { z: 3 })).toMatch(/^bad_close_number at seq 8/);
  });

  it('bad_close_from: the first starts at genesis, each later one right after the previous one\'s through', () => {
    expect(journalWith({ from: 1 })).toMatch(/^bad_close_from at seq 5: from 1 should be 0/);
    expect(journalWith({}, { from: 6 })).toMatch(/^bad_close_from at seq 8: from 6 should be 5/);
  });

  it('bad_close_through: through comes before the day close, and no payment falls between them', () => {
    expect(journalWith({ through: 5 })).toMatch(/^bad_close_through at seq 5: through 5 must be before the day close itself/);
    const short = journalWith({ through: 3 });
    expect(short).toMatch(/^bad_close_through at seq 5: financial record 4 comes after through 3/);
  });

  it('bad_close_totals: totals and totals by tender are recomputed from the records in range', () => {
    const { z1 } = twoDays();
    expect(journalWith({ totals: { ...z1.totals, CNY: { payment: { n: 1, amount: 1000 } } } })).toMatch(/^bad_close_totals at seq 5: totals .* should be/);
    expect(journalWith({ tenders: { ...z1.tenders, MAT: { cash: { payment: { n: 1, amount: 300 }, void: { n: 1, amount: 300 } } } } })).toMatch(/^bad_close_totals at seq 5: totals by tender/);
    // Yesterday's cash sale refunded today counts under cash, not under today's code payment.
    expect(journalWith({}, { tenders: { CNY: { code: { payment: { n: 1, amount: 700 }, refund: { n: 1, amount: 100 } } } } })).toMatch(/^bad_close_totals at seq 8/);
  });

  it('accepts a day close with nothing to close (a zero Z), and bookkeeping records between through and the close', () => {
    const chain = new ChainBuilder(Signer.fromSeed(new Uint8Array(32).fill(12)));
    chain.add({ kind: 'day_close', body: { day: '2026-11-23', z: 1, from: 0, through: 0, totals: {}, tenders: {} } });
    chain.add({ kind: 'clock_adjustment', body: { from: 1, to: 2, source: 'ntp' } });
    chain.add({ kind: 'day_close', body: { day: '2026-11-24', z: 2, from: 1, through: 1, totals: {}, tenders: {} } });
    expect(verdict(chain)).toBe('ok');
  });
});
