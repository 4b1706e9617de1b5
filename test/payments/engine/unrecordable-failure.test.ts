import { afterEach, describe, expect, it } from 'vitest';
import { PaymentEngine } from '../../../src/payments/engine.js';
import type { Payment } from '../../../src/payments/payment.js';
import { defaultPaymentPolicy } from '../../../src/payments/policy.js';
import type { Tender } from '../../../src/payments/tender.js';
import { Journal } from '../../../src/terminal/ledger/journal.js';
import type { PaymentBook } from '../../../src/terminal/ledger/payment-book.js';
import { tempDir } from '../../support/tmp.js';

/** A merchant-QR-like tender whose work fails after the payment waits for the customer. */
const failingTender: Tender = {
  method: 'merchant_qr',
  prompt: () => ({ kind: 'show_qr', payload: '000201', expiresAt: Date.now() + 60_000 }),
  begin: async () => {
    throw new Error('the acquirer client broke');
  },
};

/** The payment book, with its writes failing once `full` is set (a disk that filled up). */
function fillingBook(book: PaymentBook): { book: PaymentBook; fill(): void } {
  let full = false;
  const proxy = new Proxy(book, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (name === 'update' && typeof value === 'function') {
        return (...args: unknown[]) => {
          if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { book: proxy, fill: () => void (full = true) };
}

const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => void rejections.push(reason);
afterEach(() => {
  process.off('unhandledRejection', onRejection);
});

describe('payment engine: a failure that cannot be recorded', () => {
  it('reports a fault and leaves the stored state for recovery, with no unhandled rejection', async () => {
    process.on('unhandledRejection', onRejection);
    const journal = Journal.open(tempDir());
    const { book, fill } = fillingBook(journal.payments!);
    const policy = defaultPaymentPolicy();
    const engine = new PaymentEngine({ terminalId: journal.terminalId, journal, book, tenders: [failingTender], policy: () => policy, settlement: () => ({ settledThrough: -1, lastSettledAt: Date.now() }) });
    const faults: [Payment, Error][] = [];
    const faulted = new Promise<void>((resolve) => engine.on('fault', (payment, error) => (faults.push([payment, error]), resolve())));
    const payment = engine.create({ idempotencyKey: 'k-1', amount: 100, asset: 'CNY', method: 'merchant_qr' });
    fill(); // the tender's work runs after create returns: the disk fills before it fails
    expect(payment.state).toBe('waiting_for_customer');
    await faulted;
    // An unhandled rejection is reported after the microtasks of the turn that made it.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(faults.map(([, e]) => e.message)).toEqual(['database or disk is full']);
    expect(engine.get(payment.id)!.state).toBe(payment.state);
    expect(rejections).toEqual([]);
    await engine.stop();
    journal.close();
  });
});
