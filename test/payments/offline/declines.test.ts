import { describe, expect, it } from 'vitest';
import { IsoDepCard } from '../../../hw-sim/cards/iso-dep-card.js';
import { WalletIssuer } from '../../../hw-sim/cards/issuer.js';
import { WalletApplet } from '../../../hw-sim/cards/wallet-applet.js';
import { walletFaults } from '../../../hw-sim/cards/wallet-faults.js';
import { OfflineCounter, WATER } from './rig.js';

describe('offline wallet taps that are declined, with several distinct wallets at one counter', () => {
  it('declines each bad wallet with its reason, journals nothing, and the basket is then paid by a good wallet', async () => {
    const c = await OfflineCounter.start({
      sim: {
        wallets: [
          { label: 'good' },
          { label: 'poor', balance: 150 },
          { label: 'small limit', perPaymentLimit: 100 },
          { label: 'expired', notAfter: Date.now() - 60_000 },
          { label: 'rogue issuer', issuer: WalletIssuer.generate('CNY') },
          { label: 'token wallet', asset: 'MAT' },
          { label: 'forger' },
          { label: 'clone of good', cloneOf: 0 },
        ],
      },
    });
    const cards = Object.fromEntries(c.sim.cards.wallets.map((card) => [card.label, card]));
    cards.forger!.behave(walletFaults.forgeSignature(5));
    const v1 = new IsoDepCard([new WalletApplet()], { label: 'version 1 wallet' });
    const headBefore = c.pos.status().headSeq;

    c.ring(WATER.gtin);
    const cases: [IsoDepCard, string, RegExp][] = [
      [cards.poor!, 'insufficient_offline_balance', /balance is too low/],
      [cards['small limit']!, 'over_wallet_limit', /over the wallet's offline limit of 100/],
      [cards.expired!, 'certificate_expired', /expired/],
      [cards['rogue issuer']!, 'unknown_issuer', /no CNY issuer key/],
      [cards['token wallet']!, 'wrong_asset', /pays in MAT/],
      [cards.forger!, 'bad_wallet_signature', /does not verify/],
      [v1, 'wallet_unsupported', /version 1/],
    ];
    const ids = new Set<string>();
    for (const [card, code, message] of cases) {
      const payment = await c.tapAndRemove(card);
      expect(payment.state, card.label).toBe('declined');
      expect(payment.outcome, card.label).toMatchObject({ code, message: expect.stringMatching(message) });
      ids.add(payment.id);
    }
    expect(ids.size).toBe(cases.length); // each attempt a payment of its own, for the same basket
    expect(c.pos.status().headSeq).toBe(headBefore);
    expect(c.sim.wallets[1]!.balance).toBe(150);
    expect(c.sim.wallets[2]!.payments).toEqual([]);

    const paid = await c.tapAndRemove(cards.good!);
    expect(paid).toMatchObject({ state: 'succeeded', amount: 200 });
    expect(c.payments()).toHaveLength(1);

    // The clone carries the same wallet id and counter: a replay, declined here.
    c.ring(WATER.gtin);
    const replay = await c.tapAndRemove(cards['clone of good']!);
    expect(replay).toMatchObject({ state: 'declined', outcome: { code: 'replayed_counter', message: expect.stringMatching(/cloned wallet/) } });
    expect(c.payments()).toHaveLength(1);
    expect(c.pos.status().offline).toMatchObject({ count: 1, byAsset: { CNY: 200 } });
  });
});
