import { describe, expect, it } from 'vitest';
import { parseMpm } from '../../../src/protocol/emv-mpm.js';
import type { Payment } from '../../../src/payments/payment.js';
import type { SignedRecord } from '../../../src/protocol/record.js';
import { until } from '../../support/wait.js';
import { journalRecords, onlineRig, type OnlineRig } from './rig.js';

/** The simulated customer's app pays a QR through the acquirer's control route (what `hw-sim pay-qr` calls). */
async function appPays(rig: OnlineRig, payload: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${rig.sim.addresses.acquirerControl}/merchant-qr/pay`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${rig.sim.addresses.token}` }, body: JSON.stringify({ payload }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function showQr(rig: OnlineRig): Promise<{ payment: Payment; payload: string; expiresAt: number }> {
  await rig.ringUp('6923450657713', '6954767410173');
  const payment = rig.pos.sale.pay({ method: 'merchant_qr' });
  await until(() => rig.pos.payments.get(payment.id)?.facts.qrOrder === true, 'the order created at the acquirer');
  const prompt = rig.pos.payments.get(payment.id)!.prompt;
  if (prompt?.kind !== 'show_qr') throw new Error(`prompt is ${prompt?.kind}`);
  return { payment, payload: prompt.payload, expiresAt: prompt.expiresAt };
}

describe('the merchant-presented dynamic QR', () => {
  it('shows an EMVCo payload for the order; the simulated app pays it; the record carries the proof; the receipt prints', async () => {
    const rig = await onlineRig();
    const { payment, payload, expiresAt } = await showQr(rig);
    const qr = parseMpm(payload);
    expect(qr).toMatchObject({ pointOfInitiation: 'dynamic', amount: '8.00', currency: '156', country: 'CN', name: 'Corner Shop', city: 'Hangzhou', terminalLabel: 'T0000001' });
    expect(payment.ref.endsWith(qr.reference!)).toBe(true);
    expect(qr.accounts[0]).toMatchObject({ id: '26', guid: 'cn.posd.acquirer' });
    expect(expiresAt).toBe(payment.createdAt + 20_000);
    expect(rig.pos.payments.get(payment.id)!.state).toBe('waiting_for_customer');

    const paid = await appPays(rig, payload);
    expect(paid).toMatchObject({ status: 200, body: { ref: payment.ref, status: 'paid', amount: 800 } });
    const done = await rig.settled(payment.id);
    expect(done.state).toBe('succeeded');
    const record = journalRecords(rig.dataDir).find((r) => r.kind === 'payment' && r.body.ref === payment.ref) as Extract<SignedRecord, { kind: 'payment' }>;
    expect(record.body).toMatchObject({ tender: 'merchant_qr', amount: 800, details: { scheme: 'sim_wallet', acquirerRef: paid.body.acquirerRef } });
    expect(record.body.details.proof).toMatch(/^[0-9a-f]{128}$/);
    await until(() => rig.printed.includes(done.seq!), 'receipt printed');
    expect(rig.sim.twins.printer.text()).toContain('扫码支付 Shop QR');
    expect((await appPays(rig, payload)).body).toMatchObject({ error: 'already_paid' });
  });

  it('refuses a payload with a bad CRC and keeps waiting for the real one', async () => {
    const rig = await onlineRig();
    const { payment, payload } = await showQr(rig);
    const forged = payload.replace('8.00', '0.01');
    expect(await appPays(rig, forged)).toMatchObject({ status: 400, body: { error: 'bad_crc' } });
    expect(rig.pos.payments.get(payment.id)!.state).toBe('waiting_for_customer');
    expect((await appPays(rig, payload)).status).toBe(200);
    expect((await rig.settled(payment.id)).state).toBe('succeeded');
  });

  it('expires unpaid: the order is closed at the acquirer first, and a late payment is refused', async () => {
    const rig = await onlineRig({ timings: { merchantQrExpiryMs: 1500 } });
    const { payment, payload } = await showQr(rig);
    const done = await rig.settled(payment.id);
    expect(done).toMatchObject({ state: 'expired', outcome: { code: 'expired' } });
    const order = rig.sim.acquirer!.orders.store.get(rig.pos.id, payment.ref)!;
    expect(['closed', 'expired']).toContain(order.status);
    expect(order.paidAt).toBeNull();
    expect(await appPays(rig, payload)).toMatchObject({ status: 409, body: { error: 'not_payable' } });
    expect(journalRecords(rig.dataDir).filter((r) => r.kind === 'payment')).toHaveLength(0);
  });

  it('cancelled by the cashier: closed at the acquirer, canceled; the app can no longer pay', async () => {
    const rig = await onlineRig();
    const { payment, payload } = await showQr(rig);
    expect(rig.pos.payments.cancel(payment.id).state).toBe('cancel_requested');
    const done = await rig.settled(payment.id);
    expect(done.state).toBe('canceled');
    expect(rig.sim.acquirer!.orders.store.get(rig.pos.id, payment.ref)).toMatchObject({ status: 'closed' });
    expect((await appPays(rig, payload)).status).toBe(409);
  });

  it('paid by the app just as the cashier cancels: the payment succeeded and the cancel came too late', async () => {
    const rig = await onlineRig({ timings: { pollIntervalsMs: [5000] } });
    const { payment, payload } = await showQr(rig);
    rig.sim.acquirer!.payMerchantQr(payload);
    rig.pos.payments.cancel(payment.id);
    const done = await rig.settled(payment.id);
    expect(done.state).toBe('succeeded');
    expect(done.facts.cancelTooLate).toBe(true);
  });
});
