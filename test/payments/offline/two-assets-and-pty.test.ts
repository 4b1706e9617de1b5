import { describe, expect, it } from 'vitest';
import { MAT_SNACK, NOODLES, OfflineCounter, WATER } from './rig.js';

describe('two assets, each with its own issuer, totals and settlement line', () => {
  it('takes a CNY wallet for CNY and a MAT wallet for MAT, never summed together', async () => {
    const c = await OfflineCounter.start({ sim: { wallets: [{ asset: 'CNY' }, { asset: 'MAT' }] } });
    const [cnyCard, matCard] = c.sim.cards.wallets;
    expect(c.sim.wallets.map((w) => w.certificate.issuerKeyId)).toEqual([c.sim.issuers.CNY.keyId, c.sim.issuers.MAT.keyId]);
    expect(c.sim.issuers.CNY.keyId).not.toBe(c.sim.issuers.MAT.keyId);

    c.ring(WATER.gtin, NOODLES.gtin);
    expect(await c.tapAndRemove(cnyCard!)).toMatchObject({ state: 'succeeded', asset: 'CNY', amount: 650 });
    c.ring(MAT_SNACK.gtin, MAT_SNACK.gtin);
    expect(await c.tapAndRemove(matCard!)).toMatchObject({ state: 'succeeded', asset: 'MAT', amount: 2400 });
    expect(c.pos.status().offline).toMatchObject({ count: 2, byAsset: { CNY: 650, MAT: 2400 } });
    expect(c.pos.status().totals).toEqual({ CNY: { n: 1, in: 650, out: 0 }, MAT: { n: 1, in: 2400, out: 0 } });

    await c.pos.settlement!.settleNow(3);
    expect(c.sim.acquirer!.latestCheckpoint(c.pos.id)!.totals).toEqual({ CNY: { payment: { n: 1, amount: 650 } }, MAT: { payment: { n: 1, amount: 2400 } } });
    expect(c.pos.status().offline).toMatchObject({ count: 0, byAsset: {} });
  });
});

describe('offline wallet tap over a pseudo-terminal (the native serial binding)', () => {
  it('approves a tap through the PN532 twin on a pty, prints the receipt on the printer pty, and settles', async () => {
    const c = await OfflineCounter.start({ sim: { transport: 'pty' } });
    expect(c.sim.devices.nfc.uri).toMatch(/^serial:\//);
    c.ring(NOODLES.gtin);
    const paid = await c.tapAndRemove(c.sim.cards.wallet!);
    expect(paid).toMatchObject({ state: 'succeeded', method: 'wallet_tap', offlineApproved: true });
    expect(c.sim.wallets[0]!.balance).toBe(100_000 - 450);
    await c.receiptFor(paid.seq!);
    await c.pos.settlement!.settleNow(3);
    expect(c.sim.acquirer!.latestCheckpoint(c.pos.id)!.totals).toEqual({ CNY: { payment: { n: 1, amount: 450 } } });
  });
});
