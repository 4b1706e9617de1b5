import { describe, expect, it } from 'vitest';
import type { OfflineLimits } from '../../../src/payments/policy.js';
import { NOODLES, OfflineCounter, WATER } from './rig.js';

/**
 * Each offline limit, hit through a real tap: the payment is declined with the code
 * offline_limit, the fact `offlineLimit` names the limit, and nothing reaches the journal or
 * the wallet.
 */
describe('offline limits, each a named refusal of a real tap', () => {
  const cases: [limit: string, offline: Partial<OfflineLimits>, paidFirst: number][] = [
    ['per_payment', { perPayment: { CNY: 400 } }, 0],
    ['cumulative', { cumulative: { CNY: 600 } }, 1],
    ['count', { maxCount: 1 }, 1],
    ['age', { maxAgeMs: 0 }, 0],
    ['disabled', { enabled: false }, 0],
  ];
  it.each(cases)('%s', async (limit, offline, paidFirst) => {
    const c = await OfflineCounter.start({ offline, sim: { wallets: 2 } });
    const [first, second] = c.sim.cards.wallets;
    if (limit === 'age') await new Promise((r) => setTimeout(r, 5)); // the last settlement (none: the journal's start) is now older than 0 ms
    if (paidFirst) {
      c.ring(WATER.gtin);
      expect((await c.tapAndRemove(first!)).state).toBe('succeeded');
    }
    c.ring(NOODLES.gtin);
    const refused = await c.tapAndRemove(second!);
    expect(refused).toMatchObject({ state: 'declined', outcome: { code: 'offline_limit' }, facts: { offlineLimit: limit } });
    expect(c.payments()).toHaveLength(paidFirst);
    expect(c.sim.wallets[1]!.payments).toEqual([]);
  });

  it('require_online: a payment that must go online refuses a wallet tap', async () => {
    const c = await OfflineCounter.start();
    c.ring(NOODLES.gtin);
    const waiting = c.pos.sale.pay({ offline: 'require_online' });
    expect(waiting.state).toBe('waiting_for_customer');
    const refused = await c.tapAndRemove(c.sim.cards.wallet!);
    expect(refused).toMatchObject({ id: waiting.id, state: 'declined', outcome: { code: 'offline_limit' }, facts: { offlineLimit: 'require_online' } });
    expect(c.payments()).toHaveLength(0);
    expect(() => c.pos.payments.create({ idempotencyKey: 'must-be-online', amount: 450, asset: 'CNY', method: 'wallet_tap', offline: 'require_online' })).toThrow(/cannot require online/);
  });
});
