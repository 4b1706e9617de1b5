import { describe, expect, it } from 'vitest';
import { ChainVerifier } from '../../../src/protocol/chain-verifier.js';
import type { PaymentBody } from '../../../src/protocol/record.js';
import { issuerKey } from '../../../src/protocol/wallet/certificate.js';
import { WalletIssuer } from '../../../hw-sim/cards/issuer.js';
import { until } from '../../support/wait.js';
import { MAT_SNACK, NOODLES, OfflineCounter, WATER } from './rig.js';

async function counterWithScanner(wallets: NonNullable<Parameters<typeof OfflineCounter.start>[0]>['sim'] = {}): Promise<OfflineCounter> {
  const c = await OfflineCounter.start({ sim: { twins: ['nfc', 'printer', 'scanner'], scanner: { mode: 'serial' }, ...wallets } });
  await until(() => c.pos.deviceHealth().scanner?.state === 'ready', 'scanner ready', 10_000);
  return c;
}

/** Scans the text with the scanner twin; resolves when the counter took it (a payment moved) or refused it. */
async function scan(c: OfflineCounter, text: string): Promise<{ refused?: string }> {
  const updates = c.updates.length;
  const refusals = c.refusals.length;
  await c.sim.twins.scanner!.scan(text);
  await until(() => c.refusals.length > refusals || c.updates.slice(updates).some((p) => p.state === 'succeeded'), 'the scan handled', 10_000);
  return c.refusals.length > refusals ? { refused: c.refusals.at(-1)! } : {};
}

describe('offline payment QR, customer-presented, through the scanner twin', () => {
  it('is accepted once with no network, and refused the second time (the same wallet counter)', async () => {
    const c = await counterWithScanner();
    const wallet = c.sim.wallets[0]!;
    const qr = wallet.offlineQr({ cap: 1000 });
    expect(qr).toMatch(/^OQR1:[A-Za-z0-9_-]+$/);
    await c.sim.acquirer!.setFault({ mode: 'refuse' }); // no network at all

    c.ring(WATER.gtin, NOODLES.gtin);
    expect(await scan(c, qr)).toEqual({});
    const paid = c.updates.at(-1)!;
    expect(paid).toMatchObject({ state: 'succeeded', method: 'offline_qr', amount: 650, offlineApproved: true });
    const [record] = c.payments();
    expect(record!.body).toMatchObject({ tender: 'offline_qr', amount: 650, details: { counter: 1, cap: 1000, items: 2 } });
    await c.receiptFor(paid.seq!);

    c.ring(WATER.gtin);
    const again = await scan(c, qr);
    expect(again.refused).toMatch(/used before/);
    // Refused, the payment is open to any method again: the customer may pay another way.
    expect(c.pos.payments.current()).toMatchObject({ state: 'waiting_for_customer', method: null, prompt: { kind: 'present' } });
    expect(c.payments()).toHaveLength(1);

    // A new QR from the same wallet pays the waiting payment.
    expect(await scan(c, wallet.offlineQr({ cap: 500 }))).toEqual({});
    expect(c.payments().map((r) => (r.body as PaymentBody).details.counter)).toEqual([1, 2]);

    const verifier = new ChainVerifier({ walletIssuers: [issuerKey('CNY', c.sim.issuers.CNY.publicKey)] });
    for (const line of c.lines()) verifier.push(line);
    expect(verifier.finish()).toMatchObject({ walletProofs: 2 });

    await c.sim.acquirer!.setFault(undefined);
    await c.pos.settlement!.settleNow(3);
    expect(c.sim.acquirer!.latestCheckpoint(c.pos.id)!.totals).toEqual({ CNY: { payment: { n: 2, amount: 850 } } });
  });

  it('refuses an expired, forged, over-cap, wrong-asset or unknown-issuer QR, and keeps the payment waiting', async () => {
    const c = await counterWithScanner({ wallets: [{}, { asset: 'MAT' }, { issuer: WalletIssuer.generate('CNY') }] });
    const [cny, mat, rogue] = c.sim.wallets;
    c.ring(NOODLES.gtin);
    const expired = cny!.offlineQr({ cap: 1000, now: Date.now() - 10 * 60_000, validForMs: 60_000 });
    const genuine = cny!.offlineQr({ cap: 1000 });
    const tampered = genuine.slice(0, -3) + (genuine.at(-3) === 'A' ? 'B' : 'A') + genuine.slice(-2);
    const cases: [string, RegExp][] = [
      [expired, /expired/],
      [tampered, /does not verify|not a valid/],
      [cny!.offlineQr({ cap: 100 }), /over the QR's spending cap of 100/],
      [mat!.offlineQr({ cap: 1000 }), /pays in MAT/],
      [rogue!.offlineQr({ cap: 1000 }), /no CNY issuer key/],
      ['OQR1:' + 'A'.repeat(120), /not a valid offline payment QR/],
    ];
    for (const [text, reason] of cases) expect((await scan(c, text)).refused).toMatch(reason);
    // Refused, the payment is open to any method again: the customer may pay another way.
    expect(c.pos.payments.current()).toMatchObject({ state: 'waiting_for_customer', method: null, prompt: { kind: 'present' } });
    expect(c.payments()).toHaveLength(0);
    expect(await scan(c, genuine)).toEqual({});
    expect(c.payments()).toHaveLength(1);
  });

  it('pays a MAT basket with a MAT wallet QR: its own asset, its own totals', async () => {
    const c = await counterWithScanner({ wallets: [{ asset: 'MAT' }] });
    c.ring(MAT_SNACK.gtin);
    expect(await scan(c, c.sim.wallets[0]!.offlineQr({ cap: 5000 }))).toEqual({});
    expect(c.pos.status().offline).toMatchObject({ count: 1, byAsset: { MAT: 1200 } });
  });
});
