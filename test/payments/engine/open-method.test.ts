import { describe, expect, it } from 'vitest';
import { CashTender } from '../../../src/payments/cash/cash-tender.js';
import { PaymentEngine } from '../../../src/payments/engine.js';
import { PaymentError } from '../../../src/payments/errors.js';
import { defaultPaymentPolicy } from '../../../src/payments/policy.js';
import type { Tender } from '../../../src/payments/tender.js';
import { Journal } from '../../../src/terminal/ledger/journal.js';
import { SensitiveCode } from '../../../src/terminal/scan-classification/sensitive.js';
import { tempDir } from '../../support/tmp.js';

/** An offline QR tender that refuses every QR, leaving the payment waiting (as a used or forged QR does). */
const refusingQr: Tender = {
  method: 'offline_qr',
  prompt: () => ({ kind: 'scan_offline_qr' }),
  acceptNow: () => {
    throw new PaymentError('code_used', 'this QR was used before');
  },
};

describe('payment engine: a payment open to any method', () => {
  it('is open to any method again after the customer first try was refused, and then takes cash', () => {
    const journal = Journal.open(tempDir());
    const policy = defaultPaymentPolicy();
    const engine = new PaymentEngine({ terminalId: journal.terminalId, journal, book: journal.payments!, tenders: [refusingQr, new CashTender()], policy: () => policy, settlement: () => ({ settledThrough: -1, lastSettledAt: Date.now() }) });
    const payment = engine.create({ idempotencyKey: 'open-1', amount: 650, asset: 'CNY' });
    expect(payment).toMatchObject({ method: null, prompt: { kind: 'present' } });

    expect(() => engine.present({ kind: 'offline_qr', payload: new SensitiveCode('OQR1:xyz') })).toThrow(/used before/);
    expect(engine.get(payment.id)).toMatchObject({ state: 'waiting_for_customer', method: null, prompt: { kind: 'present' } });

    const paid = engine.present({ kind: 'cash', tendered: 1000 });
    expect(paid).toMatchObject({ state: 'succeeded', method: 'cash' });
    journal.close();
  });

  it('stays with the method the register chose when a try is refused', () => {
    const journal = Journal.open(tempDir());
    const policy = defaultPaymentPolicy();
    const engine = new PaymentEngine({ terminalId: journal.terminalId, journal, book: journal.payments!, tenders: [refusingQr, new CashTender()], policy: () => policy, settlement: () => ({ settledThrough: -1, lastSettledAt: Date.now() }) });
    const payment = engine.create({ idempotencyKey: 'chosen-1', amount: 650, asset: 'CNY', method: 'offline_qr' });
    expect(() => engine.present({ kind: 'offline_qr', payload: new SensitiveCode('OQR1:xyz') })).toThrow(/used before/);
    expect(engine.get(payment.id)).toMatchObject({ state: 'waiting_for_customer', method: 'offline_qr' });
    expect(() => engine.present({ kind: 'cash', tendered: 1000 })).toThrow(/waits for/);
    journal.close();
  });
});
