import { describe, expect, it } from 'vitest';
import { RecordReceiptSchema, ReturnSchema } from '../../src/api/http/schemas.js';
import type { Payment } from '../../src/payments/payment.js';
import { wechatCode } from '../payments/online/rig.js';
import { sleep, until } from '../support/wait.js';
import { errorCode, expectSchema, newKey, startApi, untilFinal, type ApiRig } from './support.js';

interface ReturnAnswer {
  key: string;
  kind: string;
  state: string;
  final: boolean;
  of: number;
  paymentId: string | null;
  tender: string;
  amount: number;
  seq: number | null;
  acquirerRef: string | null;
  outcome: { code: string } | null;
  version: number;
  receipt?: { seq: number; kind: string; lines: string[]; verification: string };
}

/** posd over the twins and the acquirer simulator, settling only when the test says. */
async function rigWithAcquirer(): Promise<ApiRig> {
  const rig = await startApi({ devices: true, sim: { twins: ['scanner', 'printer', 'gpio'], wallets: 0 }, assemble: { settleInBackground: false } });
  await until(() => rig.terminal.deviceHealth().scanner?.state === 'ready' && rig.terminal.deviceHealth().printer?.state === 'ready', 'scanner and printer ready', 10_000);
  return rig;
}

/** A payment code payment of `amount` through the API: POST /v1/payments with method code, then the customer's code under the scanner twin. */
async function paidByCode(rig: ApiRig, amount: number): Promise<Payment> {
  const created = await rig.call<Payment>('POST', '/v1/payments', { body: { amount, asset: 'CNY', method: 'code' }, headers: { 'idempotency-key': newKey() } });
  expect(created.status).toBe(201);
  expect(created.body.prompt).toEqual({ kind: 'scan_code' });
  await rig.sim!.twins.scanner.scan(wechatCode('00'), { suffix: 'crlf' });
  const final = await untilFinal(rig, created.body.id);
  expect(final).toMatchObject({ state: 'succeeded', method: 'code', amount });
  return final;
}

/**
 * The sale's own drawer kick seen, the cashier pushes the drawer shut (a kick does not count on
 * an open drawer), and the relay's recovery is over (a kick within it is coalesced into the last).
 */
async function drawerRested(rig: ApiRig): Promise<void> {
  const drawer = rig.sim!.twins.gpio.drawer!;
  await until(() => drawer.kicks === 1, 'the drawer opened for the sale');
  await sleep(700);
  await drawer.pushShut();
  await sleep(300);
}

async function payCash(rig: ApiRig, amount: number): Promise<Payment> {
  const paid = await rig.call<Payment>('POST', '/v1/payments', { body: { amount, asset: 'CNY', method: 'cash', tendered: amount }, headers: { 'idempotency-key': newKey() } });
  expect(paid.body.state).toBe('succeeded');
  return paid.body;
}

describe('refunds through the API', () => {
  it('a partial refund of a scanned-code payment, a second up to what is left, then refused; each with its receipt, found again by key', async () => {
    const rig = await rigWithAcquirer();
    const payment = await paidByCode(rig, 1000);
    const order = () => rig.sim!.acquirer!.orders.store.get(rig.terminal.id, payment.ref)!;

    const firstKey = newKey();
    const first = await rig.call<ReturnAnswer>('POST', `/v1/payments/${payment.id}/refunds`, { body: { amount: 300, reason: 'one item back' }, headers: { 'idempotency-key': firstKey } });
    expect(first.status).toBe(200);
    expectSchema(ReturnSchema, first.body);
    expect(first.body).toMatchObject({ key: firstKey, kind: 'refund', state: 'succeeded', final: true, of: payment.seq, paymentId: payment.id, tender: 'code', amount: 300, outcome: null });
    expect(first.body.acquirerRef).toMatch(/^sim/);
    expect(first.body.seq).toBeGreaterThan(payment.seq!);
    expect(first.body.receipt).toMatchObject({ seq: first.body.seq, kind: 'refund' });
    expect(first.body.receipt!.lines.join('\n')).toContain('3.00');
    expect(order().refunded).toBe(300);

    // The same request again (an answer lost): the same refund, not a second one.
    const again = await rig.call<ReturnAnswer>('POST', `/v1/payments/${payment.id}/refunds`, { body: { amount: 300, reason: 'one item back' }, headers: { 'idempotency-key': firstKey } });
    expect(again.body).toEqual(first.body);
    const conflict = await rig.call('POST', `/v1/payments/${payment.id}/refunds`, { body: { amount: 301, reason: 'one item back' }, headers: { 'idempotency-key': firstKey } });
    expect(conflict.status).toBe(409);
    expect(errorCode(conflict)).toBe('idempotency_conflict');

    // Over what is left: refused before anything is sent.
    const over = await rig.call('POST', `/v1/records/${payment.seq}/refunds`, { body: { amount: 701 }, headers: { 'idempotency-key': newKey() } });
    expect(over.status).toBe(422);
    expect(errorCode(over)).toBe('exceeds_payment');
    // The rest, by the record's seq (the number on the receipt).
    const rest = await rig.call<ReturnAnswer>('POST', `/v1/records/${payment.seq}/refunds`, { body: { amount: 700 }, headers: { 'idempotency-key': newKey() } });
    expect(rest.body).toMatchObject({ state: 'succeeded', amount: 700, of: payment.seq, paymentId: payment.id });
    const nothingLeft = await rig.call('POST', `/v1/payments/${payment.id}/refunds`, { body: { amount: 1 }, headers: { 'idempotency-key': newKey() } });
    expect(nothingLeft.status).toBe(422);
    expect(errorCode(nothingLeft)).toBe('exceeds_payment');
    expect(order().refunded).toBe(1000);

    // Lost-answer recovery by key.
    const found = await rig.call<ReturnAnswer>('GET', `/v1/refunds?idempotencyKey=${firstKey}`);
    expect(found.status).toBe(200);
    expect(found.body).toEqual(first.body);
    const unknown = await rig.call('GET', `/v1/refunds?idempotencyKey=${newKey()}`);
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('not_found');

    // The refund's receipt by its seq, and a reprint of it.
    const receipt = await rig.call('GET', `/v1/records/${first.body.seq}/receipt`);
    expect(receipt.status).toBe(200);
    expectSchema(RecordReceiptSchema, receipt.body);
    expect(receipt.body).toEqual(first.body.receipt);
    const reprint = await rig.call('POST', `/v1/records/${first.body.seq}/reprint`);
    expect(reprint.status).toBe(200);
    expect(reprint.body).toEqual({ printed: true });
    const noReceipt = await rig.call('GET', '/v1/records/0/receipt');
    expect(noReceipt.status).toBe(404);
    expect(errorCode(noReceipt)).toBe('no_receipt');
    const noRecord = await rig.call('GET', '/v1/records/999999/receipt');
    expect(errorCode(noRecord)).toBe('not_found');
  });

  it('a cash refund opens the drawer', async () => {
    const rig = await rigWithAcquirer();
    const sale = await payCash(rig, 800);
    await drawerRested(rig);
    const kicks = rig.sim!.twins.gpio.drawer!.kicks;
    const refund = await rig.call<ReturnAnswer>('POST', `/v1/payments/${sale.id}/refunds`, { body: { amount: 800, reason: 'changed mind' }, headers: { 'idempotency-key': newKey() } });
    expect(refund.status).toBe(200);
    expectSchema(ReturnSchema, refund.body);
    expect(refund.body).toMatchObject({ state: 'succeeded', tender: 'cash', amount: 800, acquirerRef: null });
    await until(() => rig.sim!.twins.gpio.drawer!.kicks === kicks + 1, 'the drawer opened for the refund');
  });

  it('pending while the acquirer cannot be reached (202), succeeded when the same key is sent again', async () => {
    const rig = await rigWithAcquirer();
    const payment = await paidByCode(rig, 500);
    await rig.sim!.acquirer!.setFault({ mode: 'refuse' });
    const key = newKey();
    const pending = await rig.call<ReturnAnswer>('POST', `/v1/payments/${payment.id}/refunds`, { body: { amount: 200 }, headers: { 'idempotency-key': key } });
    expect(pending.status).toBe(202);
    expectSchema(ReturnSchema, pending.body);
    expect(pending.body).toMatchObject({ state: 'pending', final: false, seq: null, outcome: { code: 'acquirer_unavailable' } });
    expect(pending.body.receipt).toBeUndefined();
    expect((await rig.call<ReturnAnswer>('GET', `/v1/refunds?idempotencyKey=${key}`)).body).toMatchObject({ state: 'pending' });
    // What is under way counts against what is left.
    const tooMuch = await rig.call('POST', `/v1/payments/${payment.id}/refunds`, { body: { amount: 301 }, headers: { 'idempotency-key': newKey() } });
    expect(errorCode(tooMuch)).toBe('exceeds_payment');

    await rig.sim!.acquirer!.setFault(undefined);
    const done = await rig.call<ReturnAnswer>('POST', `/v1/payments/${payment.id}/refunds`, { body: { amount: 200 }, headers: { 'idempotency-key': key } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ key, state: 'succeeded', amount: 200 });
    expect(done.body.version).toBeGreaterThan(pending.body.version);
    expect(rig.sim!.acquirer!.orders.store.get(rig.terminal.id, payment.ref)!.refunded).toBe(200);
  });

  it('refuses what names no payment, or names it badly', async () => {
    const rig = await startApi();
    const missing = await rig.call('POST', '/v1/payments/pay_nope/refunds', { body: { amount: 1 }, headers: { 'idempotency-key': newKey() } });
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe('payment_not_found');
    const notPayment = await rig.call('POST', '/v1/records/0/refunds', { body: { amount: 1 }, headers: { 'idempotency-key': newKey() } });
    expect(errorCode(notPayment)).toBe('payment_not_found');
    const badSeq = await rig.call('POST', '/v1/records/-1/void', { headers: { 'idempotency-key': newKey() } });
    expect(badSeq.body).toMatchObject({ error: { code: 'invalid_request', field: 'seq' } });
    const zero = await rig.call('POST', '/v1/records/1/refunds', { body: { amount: 0 }, headers: { 'idempotency-key': newKey() } });
    expect(zero.body).toMatchObject({ error: { code: 'invalid_request', field: 'amount' } });
    const extra = await rig.call('POST', '/v1/records/1/refunds', { body: { amount: 1, to: 'me' }, headers: { 'idempotency-key': newKey() } });
    expect(errorCode(extra)).toBe('invalid_request');
    const noKey = await rig.call('POST', '/v1/records/1/void');
    expect(errorCode(noKey)).toBe('missing_idempotency_key');
  });
});

describe('voids through the API', () => {
  it('voids a scanned-code payment before settlement; after settlement a void is refused (refund instead)', async () => {
    const rig = await rigWithAcquirer();
    const first = await paidByCode(rig, 600);
    const voided = await rig.call<ReturnAnswer>('POST', `/v1/payments/${first.id}/void`, { body: { reason: 'rang up twice' }, headers: { 'idempotency-key': newKey() } });
    expect(voided.status).toBe(200);
    expectSchema(ReturnSchema, voided.body);
    expect(voided.body).toMatchObject({ kind: 'void', state: 'succeeded', amount: 600, tender: 'code' });
    expect(voided.body.receipt).toMatchObject({ kind: 'void', seq: voided.body.seq });
    expect(rig.sim!.acquirer!.orders.store.get(rig.terminal.id, first.ref)).toMatchObject({ status: 'voided' });
    const refundAfterVoid = await rig.call('POST', `/v1/payments/${first.id}/refunds`, { body: { amount: 1 }, headers: { 'idempotency-key': newKey() } });
    expect(errorCode(refundAfterVoid)).toBe('exceeds_payment');

    const second = await paidByCode(rig, 400);
    await rig.terminal.settlement!.settleNow(3);
    const late = await rig.call('POST', `/v1/records/${second.seq}/void`, { headers: { 'idempotency-key': newKey() } });
    expect(late.status).toBe(422);
    expect(errorCode(late)).toBe('not_voidable');
    const refund = await rig.call<ReturnAnswer>('POST', `/v1/payments/${second.id}/refunds`, { body: { amount: 400 }, headers: { 'idempotency-key': newKey() } });
    expect(refund.body).toMatchObject({ state: 'succeeded', amount: 400 });
  });

  it('voids cash (the drawer opens) and refuses a void after a refund', async () => {
    const rig = await rigWithAcquirer();
    const sale = await payCash(rig, 450);
    await drawerRested(rig);
    const kicks = rig.sim!.twins.gpio.drawer!.kicks;
    const voided = await rig.call<ReturnAnswer>('POST', `/v1/records/${sale.seq}/void`, { headers: { 'idempotency-key': newKey() } });
    expect(voided.body).toMatchObject({ kind: 'void', state: 'succeeded', paymentId: sale.id, tender: 'cash' });
    await until(() => rig.sim!.twins.gpio.drawer!.kicks === kicks + 1, 'the drawer opened for the void');

    const other = await payCash(rig, 300);
    await rig.call('POST', `/v1/payments/${other.id}/refunds`, { body: { amount: 100 }, headers: { 'idempotency-key': newKey() } });
    const partly = await rig.call('POST', `/v1/payments/${other.id}/void`, { headers: { 'idempotency-key': newKey() } });
    expect(partly.status).toBe(422);
    expect(errorCode(partly)).toBe('already_returned');
  });
});
