import { describe, expect, it } from 'vitest';
import { PaymentSchema, StatusSchema } from '../../src/api/http/schemas.js';
import type { PaymentView } from '../../src/api/http/views.js';
import { parseMpm } from '../../src/protocol/emv-mpm.js';
import { wechatCode } from '../payments/online/rig.js';
import { until } from '../support/wait.js';
import { expectSchema, newKey, startApi, untilFinal, type ApiRig } from './support.js';

/** posd over every twin, a wallet and the acquirer simulator; devices ready. */
async function counter(): Promise<ApiRig> {
  const rig = await startApi({ devices: true, assemble: { settleInBackground: false } });
  await until(() => ['scanner', 'printer', 'nfc', 'gpio'].every((kind) => rig.terminal.deviceHealth()[kind as 'nfc']?.state === 'ready'), 'devices ready', 10_000);
  return rig;
}

async function start(rig: ApiRig, body: Record<string, unknown>): Promise<PaymentView> {
  const created = await rig.call<PaymentView>('POST', '/v1/payments', { body: { asset: 'CNY', ...body }, headers: { 'idempotency-key': newKey() } });
  expect(created.status).toBe(201);
  expectSchema(PaymentSchema, created.body);
  return created.body;
}

/** Long-polls until the payment's prompt is what `want` says (the merchant QR appears once the order exists at the acquirer). */
async function promptOf(rig: ApiRig, payment: PaymentView, want: (p: PaymentView) => boolean): Promise<PaymentView> {
  let current = payment;
  for (let i = 0; i < 50 && !want(current); i++) current = (await rig.call<PaymentView>('GET', `/v1/payments/${payment.id}?wait=10000&version=${current.version}`)).body;
  expect(want(current), JSON.stringify(current.prompt)).toBe(true);
  return current;
}

describe('every payment method through POST /v1/payments, against the twins and the acquirer simulator', () => {
  it('cash: completes in the call with tendered; without it, waits for cash (prompt cash) and completes with POST cash', async () => {
    const rig = await counter();
    const paid = await start(rig, { amount: 1250, method: 'cash', tendered: 2000 });
    expect(paid).toMatchObject({ state: 'succeeded', method: 'cash', facts: { change: 750 } });
    expect(paid.receipt!.fields).toMatchObject({ method: 'cash', tendered: 2000, change: 750, payer: null, acquirerRef: null });

    const waiting = await start(rig, { amount: 500, method: 'cash' });
    expect(waiting).toMatchObject({ state: 'waiting_for_customer', prompt: { kind: 'cash' } });
    const done = await rig.call<PaymentView>('POST', `/v1/payments/${waiting.id}/cash`, { body: { tendered: 500 } });
    expect(done.body).toMatchObject({ state: 'succeeded', facts: { change: 0 } });
  });

  it('code: the customer shows a payment code to the scanner; the receipt has the masked payer and the acquirer reference', async () => {
    const rig = await counter();
    const payment = await start(rig, { amount: 880, method: 'code' });
    expect(payment).toMatchObject({ state: 'waiting_for_customer', prompt: { kind: 'scan_code' } });
    const code = wechatCode('00');
    await rig.sim!.twins.scanner.scan(code, { suffix: 'crlf' });
    const done = await untilFinal(rig, payment.id);
    expectSchema(PaymentSchema, done);
    expect(done).toMatchObject({ state: 'succeeded', method: 'code', amount: 880, offlineApproved: false });
    const fields = (done as PaymentView).receipt!.fields;
    expect(fields.acquirerRef).toMatch(/^sim/);
    expect(fields.acquirerRef).toBe(done.facts.acquirerRef);
    expect(fields.payer).toContain('*');
    expect(fields.payer).not.toContain(code.slice(4, 12));
    expect(JSON.stringify(done)).not.toContain(code);
  });

  it('merchant_qr: the payment carries the EMVCo payload to draw as its prompt; the simulated app pays it', async () => {
    const rig = await counter();
    const payment = await start(rig, { amount: 800, method: 'merchant_qr' });
    const shown = await promptOf(rig, payment, (p) => p.prompt?.kind === 'show_qr');
    expectSchema(PaymentSchema, shown);
    const prompt = shown.prompt as { kind: 'show_qr'; payload: string; expiresAt: number };
    expect(parseMpm(prompt.payload)).toMatchObject({ pointOfInitiation: 'dynamic', amount: '8.00', currency: '156' });
    expect(prompt.expiresAt).toBeGreaterThan(shown.createdAt);

    const res = await fetch(`${rig.sim!.addresses.acquirerControl}/merchant-qr/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${rig.sim!.addresses.token}` },
      body: JSON.stringify({ payload: prompt.payload }),
    });
    expect(res.status).toBe(200);
    const done = await untilFinal(rig, payment.id);
    expect(done).toMatchObject({ state: 'succeeded', method: 'merchant_qr', prompt: null });
    expect((done as PaymentView).receipt!.fields.acquirerRef).toMatch(/.+/);
  });

  it('wallet_tap: a hardware wallet tapped on the reader pays offline; status shows the offline exposure', async () => {
    const rig = await counter();
    const payment = await start(rig, { amount: 650, method: 'wallet_tap' });
    expect(payment.prompt).toEqual({ kind: 'tap_wallet' });
    rig.sim!.twins.nfc.enterField(rig.sim!.cards.wallet!);
    const done = await untilFinal(rig, payment.id);
    expect(done).toMatchObject({ state: 'succeeded', method: 'wallet_tap', offlineApproved: true });
    const fields = (done as PaymentView).receipt!.fields;
    expect(fields).toMatchObject({ offline: true, acquirerRef: null });
    expect(fields.payer).toMatch(/^[0-9a-f]{6}\.\.[0-9a-f]{4}$/);
    const status = await rig.call<{ offline: { count: number; byAsset: Record<string, number> } }>('GET', '/v1/status');
    expectSchema(StatusSchema, status.body);
    expect(status.body.offline).toMatchObject({ count: 1, byAsset: { CNY: 650 } });
  });

  it('offline_qr: an offline payment QR under the scanner pays the waiting payment', async () => {
    const rig = await counter();
    const payment = await start(rig, { amount: 450, method: 'offline_qr' });
    expect(payment.prompt).toEqual({ kind: 'scan_offline_qr' });
    await rig.sim!.twins.scanner.scan(rig.sim!.wallets[0]!.offlineQr({ cap: 1000 }), { suffix: 'crlf' });
    const done = await untilFinal(rig, payment.id);
    expect(done).toMatchObject({ state: 'succeeded', method: 'offline_qr', offlineApproved: true, amount: 450 });
  });
});
