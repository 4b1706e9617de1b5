import { describe, expect, it } from 'vitest';
import { ReturnError } from '../../../src/payments/refunds/errors.js';
import type { SignedRecord } from '../../../src/protocol/record.js';
import { until } from '../../support/wait.js';
import { journalRecords, onlineRig, payByCode, wechatCode, type OnlineRig } from './rig.js';

async function codeError(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ReturnError) return err.code;
    throw err;
  }
  return undefined;
}

function returnRecords(rig: OnlineRig, of: number): Extract<SignedRecord, { kind: 'refund' | 'void' }>[] {
  return journalRecords(rig.dataDir).filter((r): r is Extract<SignedRecord, { kind: 'refund' | 'void' }> => (r.kind === 'refund' || r.kind === 'void') && r.body.of === of);
}

async function paidByCode(rig: OnlineRig, gtins: string[] = ['6923450657713', '6901234567892']) {
  const payment = await rig.settled((await payByCode(rig, wechatCode('00'), gtins)).id);
  expect(payment.state).toBe('succeeded');
  return payment;
}

describe('refunds', () => {
  it('refunds part of a code payment at the acquirer, then journals it; idempotent by key; never beyond what is left', async () => {
    const rig = await onlineRig();
    const payment = await paidByCode(rig); // 550
    const first = await rig.pos.payments.refund({ idempotencyKey: 'refund-1', paymentId: payment.id, amount: 200, reason: 'returned the water' });
    expect(first).toMatchObject({ state: 'succeeded', kind: 'refund', amount: 200, of: payment.seq, tender: 'code' });
    expect(first.acquirerRef).toMatch(/^sim/);
    expect(returnRecords(rig, payment.seq!)).toMatchObject([{ kind: 'refund', body: { amount: 200, of: payment.seq, reason: 'returned the water' } }]);
    expect(rig.sim.acquirer!.orders.store.get(rig.pos.id, payment.ref)!.refunded).toBe(200);

    const again = await rig.pos.payments.refund({ idempotencyKey: 'refund-1', paymentId: payment.id, amount: 200, reason: 'returned the water' });
    expect(again).toEqual(first);
    expect(returnRecords(rig, payment.seq!)).toHaveLength(1);
    expect(rig.sim.acquirer!.orders.store.get(rig.pos.id, payment.ref)!.refunded).toBe(200);
    expect(await codeError(rig.pos.payments.refund({ idempotencyKey: 'refund-1', paymentId: payment.id, amount: 300, reason: 'returned the water' }))).toBe('idempotency_conflict');

    expect(await codeError(rig.pos.payments.refund({ idempotencyKey: 'refund-2', seq: payment.seq!, amount: 351 }))).toBe('exceeds_payment');
    expect((await rig.pos.payments.refund({ idempotencyKey: 'refund-3', seq: payment.seq!, amount: 350 })).state).toBe('succeeded');
    expect(await codeError(rig.pos.payments.refund({ idempotencyKey: 'refund-4', seq: payment.seq!, amount: 1 }))).toBe('exceeds_payment');
    expect(returnRecords(rig, payment.seq!).map((r) => r.body.amount)).toEqual([200, 350]);
    expect(rig.sim.acquirer!.orders.store.get(rig.pos.id, payment.ref)!.refunded).toBe(550);
    expect(rig.pos.payments.returned('refund-3')).toMatchObject({ state: 'succeeded', amount: 350 });
  });

  it('stays pending while the acquirer cannot be reached, and the same key finishes it once it can', async () => {
    const rig = await onlineRig();
    const payment = await paidByCode(rig);
    await rig.sim.acquirer!.setFault({ mode: 'refuse' });
    const pending = await rig.pos.payments.refund({ idempotencyKey: 'refund-x', paymentId: payment.id, amount: 100 });
    expect(pending).toMatchObject({ state: 'pending', outcome: { code: 'acquirer_unavailable' } });
    expect(returnRecords(rig, payment.seq!)).toHaveLength(0);
    // What is under way counts against what is left.
    expect(await codeError(rig.pos.payments.refund({ idempotencyKey: 'refund-y', paymentId: payment.id, amount: 500 }))).toBe('exceeds_payment');
    await rig.sim.acquirer!.setFault(undefined);
    const done = await rig.pos.payments.refund({ idempotencyKey: 'refund-x', paymentId: payment.id, amount: 100 });
    expect(done.state).toBe('succeeded');
    expect(returnRecords(rig, payment.seq!)).toHaveLength(1);
    expect(rig.sim.acquirer!.orders.store.get(rig.pos.id, payment.ref)!.refunded).toBe(100);
  });

  it('pays a cash refund out of the drawer', async () => {
    const rig = await onlineRig();
    await rig.ringUp('6923450657713');
    const sale = rig.pos.sale.payCash(500);
    const kicks = rig.sim.twins.gpio.drawer!.kicks;
    const refund = await rig.pos.payments.refund({ idempotencyKey: 'cash-back', seq: sale.seq, amount: 350, reason: 'changed mind' });
    expect(refund).toMatchObject({ state: 'succeeded', tender: 'cash' });
    expect(returnRecords(rig, sale.seq)).toMatchObject([{ kind: 'refund', body: { amount: 350 } }]);
    await until(() => rig.sim.twins.gpio.drawer!.kicks === kicks + 1, 'the drawer opened for the refund');
  });
});

describe('voids', () => {
  it('voids a code payment before settlement (the acquirer cancels the order first); settlement then balances', async () => {
    const rig = await onlineRig();
    const payment = await paidByCode(rig);
    const voided = await rig.pos.payments.void({ idempotencyKey: 'void-1', paymentId: payment.id, reason: 'rang up twice' });
    expect(voided).toMatchObject({ state: 'succeeded', kind: 'void', amount: 550 });
    expect(rig.sim.acquirer!.orders.store.get(rig.pos.id, payment.ref)).toMatchObject({ status: 'voided', refunded: 550 });
    expect(returnRecords(rig, payment.seq!)).toMatchObject([{ kind: 'void', body: { amount: 550 } }]);
    expect(await codeError(rig.pos.payments.refund({ idempotencyKey: 'after-void', paymentId: payment.id, amount: 1 }))).toBe('exceeds_payment');
    const report = await rig.pos.settlement!.settleNow(3);
    expect(report.recordsRejected).toBe(0);
    expect(rig.pos.settlement!.status().counters!.unsettledCount).toBe(0);
  });

  it('refuses a void after settlement (refund instead), and a void of a partly refunded payment', async () => {
    const rig = await onlineRig();
    const settled = await paidByCode(rig);
    await rig.pos.settlement!.settleNow(3);
    expect(await codeError(rig.pos.payments.void({ idempotencyKey: 'late-void', paymentId: settled.id }))).toBe('not_voidable');
    expect((await rig.pos.payments.refund({ idempotencyKey: 'late-refund', paymentId: settled.id, amount: 550 })).state).toBe('succeeded');

    const partly = await paidByCode(rig, ['6923450657713']);
    await rig.pos.payments.refund({ idempotencyKey: 'part', paymentId: partly.id, amount: 50 });
    expect(await codeError(rig.pos.payments.void({ idempotencyKey: 'void-part', paymentId: partly.id }))).toBe('already_returned');
    const report = await rig.pos.settlement!.settleNow(3);
    expect(report.recordsRejected).toBe(0);
  });

  it('voids cash out of the drawer', async () => {
    const rig = await onlineRig();
    await rig.ringUp('6954767410173');
    const sale = rig.pos.sale.payCash(450);
    const kicks = rig.sim.twins.gpio.drawer!.kicks;
    expect((await rig.pos.payments.void({ idempotencyKey: 'cash-void', seq: sale.seq })).state).toBe('succeeded');
    await until(() => rig.sim.twins.gpio.drawer!.kicks === kicks + 1, 'the drawer opened for the void');
  });
});
