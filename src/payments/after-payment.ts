import { EventEmitter } from 'node:events';
import type { SignedRecord } from '../protocol/record.js';
import type { Journal } from '../terminal/ledger/journal.js';
import type { Indicators, ReceiptOutput } from '../terminal/ports.js';
import { paymentReceipt, type MerchantInfo } from '../terminal/receipts/payment-receipt.js';
import type { PaymentEngine } from './engine.js';
import type { Payment } from './payment.js';

export interface AfterPaymentEvents {
  receiptPrinted: [seq: number];
  receiptFailed: [seq: number, error: Error];
}

export interface AfterPaymentOptions {
  engine: PaymentEngine;
  journal: Journal;
  merchant: () => MerchantInfo;
  printer?: ReceiptOutput;
  indicators?: Indicators;
}

/**
 * What follows a payment's outcome at the counter: the beep, the drawer for cash, the receipt.
 * None of it can undo an approval: the record is on disk before any of this runs, and a receipt
 * that fails to print can be printed again from the journal.
 */
export class AfterPayment extends EventEmitter<AfterPaymentEvents> {
  constructor(private readonly options: AfterPaymentOptions) {
    super();
    options.engine.on('updated', (payment) => this.onUpdated(payment));
  }

  /** Prints the receipt of a succeeded payment again (the reprint button, the API). */
  print(payment: Payment): Promise<void> {
    const printer = this.options.printer;
    if (!printer || payment.seq === null) return Promise.resolve();
    const stored = this.options.journal.get(payment.seq);
    if (!stored) return Promise.reject(new Error(`record ${payment.seq} is not in the journal`));
    const record = JSON.parse(stored.text) as SignedRecord;
    const hash = Buffer.from(stored.hash).toString('hex');
    return printer.print(paymentReceipt(this.options.merchant(), payment.items, record, hash));
  }

  private onUpdated(payment: Payment): void {
    const { indicators } = this.options;
    if (payment.state === 'declined' || payment.state === 'expired') indicators?.beep('declined');
    if (payment.state !== 'succeeded' || payment.seq === null) return;
    indicators?.beep('approved');
    if (payment.method === 'cash') indicators?.kickDrawer().catch(() => undefined);
    const seq = payment.seq;
    if (!this.options.printer) return;
    this.print(payment).then(
      () => this.emit('receiptPrinted', seq),
      (err: Error) => this.emit('receiptFailed', seq, err),
    );
  }
}
