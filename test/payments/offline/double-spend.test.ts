import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/encoding/hex.js';
import { IsoDepCard } from '../../../hw-sim/cards/iso-dep-card.js';
import { simulatorIssuers, WalletIssuer } from '../../../hw-sim/cards/issuer.js';
import { NOODLES, OfflineCounter, WATER } from './rig.js';

describe('the same wallet counter spent at two terminals', () => {
  it('both accept offline; the acquirer flags the second at settlement; that terminal shows it as a dead letter with the reason', async () => {
    const a = await OfflineCounter.start();
    const acquirer = a.sim.acquirer!;
    const b = await OfflineCounter.start({ sim: { acquirer: false, wallets: 0 }, acquirer });
    const original = a.sim.wallets[0]!;
    const cloneCard = new IsoDepCard([original.clone()], { label: 'cloned wallet' });

    a.ring(WATER.gtin);
    const first = await a.tapAndRemove(a.sim.cards.wallet!);
    b.ring(NOODLES.gtin);
    const second = await b.tapAndRemove(cloneCard);
    expect(first).toMatchObject({ state: 'succeeded', offlineApproved: true, facts: { walletCounter: 1 } });
    expect(second).toMatchObject({ state: 'succeeded', offlineApproved: true, facts: { walletCounter: 1 } });
    const wallet = toHex(original.walletId);
    expect(b.payments()[0]!.body).toMatchObject({ details: { wallet, counter: 1 } });

    await a.pos.settlement!.settleNow(3);
    await b.pos.settlement!.settleNow(3);
    expect(a.deadLetters).toEqual([]);
    expect(b.deadLetters).toEqual([{ seq: second.seq, code: 'double_spend', message: expect.stringMatching(new RegExp(`wallet ${wallet} counter 1 was already spent \\(terminal ${a.pos.id}, seq ${first.seq}\\)`)) }]);
    expect(b.pos.settlement!.status().counters).toMatchObject({ deadLetters: 1, unsettledCount: 0 });
    expect(acquirer.heldRecords(b.pos.id).find((r) => r.seq === second.seq)).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/^double_spend: /) });
    expect(acquirer.latestCheckpoint(a.pos.id)!.totals).toEqual({ CNY: { payment: { n: 1, amount: 200 } } });
    expect(acquirer.latestCheckpoint(b.pos.id)!.totals).toEqual({});
  });

  it('a forged proof is rejected at settlement without taking the counter: the genuine spend of it still settles', async () => {
    const a = await OfflineCounter.start();
    const acquirer = a.sim.acquirer!;
    // Terminal B trusts a rogue CNY "issuer" (a misconfigured or tampered terminal) that certified a wallet claiming A's wallet id.
    const rogue = WalletIssuer.generate('CNY');
    const bRogue = await OfflineCounter.start({
      sim: { acquirer: false, issuers: { CNY: rogue, MAT: simulatorIssuers().MAT }, wallets: [{ walletId: a.sim.wallets[0]!.walletId }] },
      acquirer,
    });
    bRogue.ring(NOODLES.gtin);
    const forged = await bRogue.tapAndRemove(bRogue.sim.cards.wallet!);
    expect(forged.state).toBe('succeeded');
    await bRogue.pos.settlement!.settleNow(3);
    expect(bRogue.deadLetters).toMatchObject([{ seq: forged.seq, code: 'bad_wallet_proof', message: expect.stringMatching(/no CNY issuer key/) }]);

    a.ring(WATER.gtin);
    const genuine = await a.tapAndRemove(a.sim.cards.wallet!);
    expect(genuine.facts.walletCounter).toBe(1);
    await a.pos.settlement!.settleNow(3);
    expect(a.deadLetters).toEqual([]);
    expect(acquirer.latestCheckpoint(a.pos.id)!.totals).toEqual({ CNY: { payment: { n: 1, amount: 200 } } });
  });
});
