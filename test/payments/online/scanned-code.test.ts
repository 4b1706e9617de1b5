import { describe, expect, it } from 'vitest';
import type { SignedRecord } from '../../../src/protocol/record.js';
import { PaymentError } from '../../../src/payments/errors.js';
import { until } from '../../support/wait.js';
import { alipayCode, journalRecords, onlineRig, payByCode, wechatCode, type OnlineRig } from './rig.js';

function recordsOf(rig: OnlineRig, ref: string): SignedRecord[] {
  return journalRecords(rig.dataDir).filter((r) => r.kind === 'payment' && r.body.ref === ref);
}

function orderOf(rig: OnlineRig, ref: string) {
  return rig.sim.acquirer!.orders.store.get(rig.pos.id, ref);
}

describe('a scanned payment code, authorised online', () => {
  it('scan -> authorise -> journal record with the masked code and the acquirer proof -> receipt printed', async () => {
    const rig = await onlineRig();
    const code = wechatCode('00');
    const started = await payByCode(rig, code, ['6923450657713', '6901234567892']);
    const payment = await rig.settled(started.id);
    expect(payment).toMatchObject({ state: 'succeeded', method: 'code', amount: 550, asset: 'CNY' });
    const [record] = recordsOf(rig, payment.ref);
    expect(record).toMatchObject({ kind: 'payment', body: { tender: 'code', amount: 550, details: { scheme: 'wechat', code: `${code.slice(0, 4)}**********${code.slice(-4)}` } } });
    const details = (record as Extract<SignedRecord, { kind: 'payment' }>).body.details;
    expect(JSON.stringify(record)).not.toContain(code);
    const order = orderOf(rig, payment.ref)!;
    expect(details).toMatchObject({ acquirerRef: order.acquirerRef, paidAt: order.paidAt, acquirer: rig.sim.acquirer!.signer.keyId });
    expect(details.proof).toMatch(/^[0-9a-f]{128}$/);
    await until(() => rig.printed.includes(payment.seq!), 'receipt printed');
    expect(rig.sim.twins.printer.text()).toContain('付款码 Payment code');
    expect(order).toMatchObject({ status: 'paid', amount: 550, method: 'code', scheme: 'wechat' });
  });

  it('an EMV consumer-presented QR goes as scheme emv_cpm; the record keeps only its mask', async () => {
    const rig = await onlineRig();
    const cpm = 'hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=';
    const payment = await rig.settled((await payByCode(rig, cpm)).id);
    expect(payment.state).toBe('succeeded');
    const [record] = recordsOf(rig, payment.ref);
    expect(record).toMatchObject({ body: { tender: 'code', details: { scheme: 'emv_cpm', code: `hQVD${'*'.repeat(16)}NF8= (48 chars)` } } });
    expect(orderOf(rig, payment.ref)).toMatchObject({ scheme: 'emv_cpm', status: 'paid' });
  });

  it('user paying: the payer confirms on the phone while the terminal polls, then approved', async () => {
    const rig = await onlineRig();
    const started = await payByCode(rig, alipayCode('61'));
    const payment = await rig.settled(started.id);
    expect(payment.state).toBe('succeeded');
    expect(rig.updates.filter((p) => p.id === payment.id).map((p) => p.state)).toEqual(['created', 'waiting_for_customer', 'waiting_for_customer', 'authorizing', 'user_paying', 'succeeded']);
    expect(recordsOf(rig, payment.ref)).toHaveLength(1);
    await until(() => rig.printed.includes(payment.seq!), 'receipt printed');
  });

  it.each([
    ['51', 'wechat', 'insufficient_funds', 'NOTENOUGH'],
    ['52', 'wechat', 'code_expired', 'AUTHCODEEXPIRE'],
    ['53', 'alipay', 'invalid_code', 'ACQ.PAYMENT_AUTH_CODE_INVALID'],
    ['54', 'alipay', 'risk_control', 'ACQ.RISK_CONTROL'],
    ['62', 'wechat', 'payer_canceled', 'USERPAYING_CANCELED'],
    ['74', 'alipay', 'system_error', 'ACQ.SYSTEM_ERROR'],
  ])('a code ending %s (%s) is declined with the scheme reason %s (%s), and nothing is journaled', async (last, scheme, reason, schemeCode) => {
    const rig = await onlineRig();
    const started = await payByCode(rig, scheme === 'wechat' ? wechatCode(last) : alipayCode(last));
    const payment = await rig.settled(started.id);
    expect(payment.state).toBe('declined');
    expect(payment.outcome!.code).toBe(reason);
    expect(payment.outcome!.message).toContain(schemeCode);
    expect(recordsOf(rig, payment.ref)).toHaveLength(0);
    expect(rig.pos.status().headSeq).toBe(0);
  });

  it('answer lost after the acquirer committed: found paid by a query, recorded once, charged once', async () => {
    const rig = await onlineRig();
    const started = await payByCode(rig, wechatCode('72'));
    const payment = await rig.settled(started.id);
    expect(payment.state).toBe('succeeded');
    expect(recordsOf(rig, payment.ref)).toHaveLength(1);
    expect(rig.sim.acquirer!.orders.store.ordersOf(rig.pos.id).filter((o) => o.status === 'paid')).toHaveLength(1);
    const ops = rig.sim.acquirer!.orders.log.filter((l) => l.ref === payment.ref).map((l) => l.op);
    expect(ops[0]).toBe('authorize');
    expect(ops.filter((op) => op === 'authorize')).toHaveLength(1);
    expect(ops).toContain('query');
  });

  it('a system error, then the query says paid: succeeded without a second authorisation', async () => {
    const rig = await onlineRig();
    const payment = await rig.settled((await payByCode(rig, alipayCode('73'))).id);
    expect(payment.state).toBe('succeeded');
    expect(rig.sim.acquirer!.orders.log.filter((l) => l.ref === payment.ref && l.op === 'authorize')).toHaveLength(1);
  });

  it('a slow answer (after the terminal timed out) is recovered by query; a cancel while authorising is too late', async () => {
    const rig = await onlineRig();
    const started = await payByCode(rig, wechatCode('71'));
    expect(started.state).toBe('authorizing');
    expect(() => rig.pos.payments.cancel(started.id)).toThrow(PaymentError);
    try {
      rig.pos.payments.cancel(started.id);
    } catch (err) {
      expect((err as PaymentError).code).toBe('too_late');
    }
    const payment = await rig.settled(started.id);
    expect(payment.state).toBe('succeeded');
    expect(recordsOf(rig, payment.ref)).toHaveLength(1);
  });

  it('no order reached the acquirer (connection dropped first): queried until the deadline, then reversed; never charged', async () => {
    const rig = await onlineRig();
    const payment = await rig.settled((await payByCode(rig, wechatCode('75'))).id);
    expect(payment.state).toBe('reversed');
    expect(payment.outcome!.code).toBe('unknown_outcome');
    expect(recordsOf(rig, payment.ref)).toHaveLength(0);
    expect(orderOf(rig, payment.ref)).toMatchObject({ status: 'reversed', paidAt: null });
    // A late copy of the authorisation can no longer charge: the reversal left the ref closed.
  });

  it('the payer never confirms: reversed at the deadline, the order closed at the acquirer', async () => {
    const rig = await onlineRig();
    const payment = await rig.settled((await payByCode(rig, wechatCode('63'))).id);
    expect(payment.state).toBe('reversed');
    expect(payment.outcome!.code).toBe('payer_timeout');
    expect(orderOf(rig, payment.ref)).toMatchObject({ status: 'reversed', paidAt: null, refunded: 0 });
  });

  it('a code is single use: scanned again for the next sale it is refused before anything is sent', async () => {
    const rig = await onlineRig();
    const code = wechatCode('51');
    const first = await rig.settled((await payByCode(rig, code)).id);
    expect(first.state).toBe('declined');
    const authorizations = rig.sim.acquirer!.orders.log.filter((l) => l.op === 'authorize').length;
    rig.pos.sale.clear();
    await rig.ringUp('6923450657713');
    const refusedBefore = rig.refused.length;
    await rig.scan(code);
    await until(() => rig.refused.length > refusedBefore, 'refused');
    expect(rig.refused.at(-1)).toMatch(/used before/);
    expect(rig.refused.at(-1)).not.toContain(code);
    expect(rig.sim.acquirer!.orders.log.filter((l) => l.op === 'authorize')).toHaveLength(authorizations);
  });

  it('cancel while the payer confirms closes the order; a payer who paid just then wins: the cancel came too late', async () => {
    const rig = await onlineRig();
    const started = await payByCode(rig, wechatCode('63'));
    await rig.waitState(started.id, 'user_paying');
    expect(rig.pos.payments.cancel(started.id).state).toBe('cancel_requested');
    const canceled = await rig.settled(started.id);
    expect(canceled.state).toBe('canceled');
    expect(orderOf(rig, canceled.ref)).toMatchObject({ status: 'closed', paidAt: null });

    rig.pos.sale.clear();
    const second = await payByCode(rig, wechatCode('63'));
    await rig.waitState(second.id, 'user_paying');
    // The payer confirms on the phone at the moment the cashier presses cancel.
    const order = orderOf(rig, second.ref)!;
    rig.sim.acquirer!.orders.store.update({ ...order, status: 'paid', paidAt: Date.now() });
    rig.pos.payments.cancel(second.id);
    const paid = await rig.settled(second.id);
    expect(paid.state).toBe('succeeded');
    expect(paid.facts.cancelTooLate).toBe(true);
    expect(recordsOf(rig, paid.ref)).toHaveLength(1);
  });
});
