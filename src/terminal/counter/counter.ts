import { CodedError } from '../../errors/coded-error.js';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { classifyScan, defaultCodeTables, type CodeTables, type ScanClass } from '../scan-classification/index.js';
import type { Journal } from '../ledger/journal.js';
import type { Indicators, ReceiptOutput, ScanInput } from '../ports.js';
import { cashReceipt, type MerchantInfo } from '../receipts/cash-receipt.js';
import type { Product } from '../catalog/catalog.js';
import { Sale, SaleError, type SaleLine } from './sale.js';

export interface Approval {
  seq: number;
  hash: string;
  asset: string;
  total: number;
  change: number;
}

export interface CounterEvents {
  item: [line: SaleLine, total: number];
  /** A scan the counter cannot use, and why (the code itself is never repeated). */
  rejected: [reason: string];
  /** The payment's record is on disk: the sale is done, whatever happens to the receipt. */
  approved: [approval: Approval];
  receiptPrinted: [seq: number];
  receiptFailed: [seq: number, error: Error];
}

export class CounterError extends CodedError<'empty_sale' | 'insufficient_cash' | 'bad_amount'> {
  override readonly name = 'CounterError';
}

export interface CounterOptions {
  journal: Journal;
  /** Where scanned products are looked up (the catalogue in force, which may be reloaded). */
  catalog: { find(gtin: string): Product | undefined };
  merchant: MerchantInfo;
  printer?: ReceiptOutput;
  indicators?: Indicators;
  codeTables?: CodeTables;
}

/**
 * The counter: scans ring up products; cash closes the sale. A sale is approved only once its
 * payment record is durable in the journal; the drawer, the beep and the receipt come after
 * and never undo it. Code payments and wallet taps arrive with the payments work.
 */
export class Counter extends EventEmitter<CounterEvents> {
  private sale = new Sale();
  private orderRef = newOrderRef();

  constructor(private readonly options: CounterOptions) {
    super();
  }

  get current(): Sale {
    return this.sale;
  }

  listen(scanner: ScanInput): void {
    scanner.on('scan', (scan) => this.scanned(scan.text, scan.symbology));
  }

  scanned(text: string, symbology?: string): ScanClass {
    const found = classifyScan(text, this.options.codeTables ?? defaultCodeTables, { symbology });
    switch (found.kind) {
      case 'product': {
        const product = this.options.catalog.find(found.gtin);
        if (!product) return this.reject(found, `product ${found.gtin} is not in the catalog`);
        try {
          const line = this.sale.add(product);
          this.options.indicators?.beep('scan');
          this.emit('item', line, this.sale.total);
        } catch (err) {
          if (err instanceof SaleError) return this.reject(found, err.message);
          throw err;
        }
        return found;
      }
      case 'product_bad_check_digit':
        return this.reject(found, 'misread barcode (check digit): scan again');
      case 'payment_code':
      case 'emv_cpm':
      case 'offline_qr':
        return this.reject(found, `${found.kind === 'payment_code' ? found.scheme : found.kind} payments are not taken yet: take cash`);
      case 'unknown':
        return this.reject(found, `not a code this counter takes (${found.reason})`);
    }
  }

  /** Takes cash for the current sale. Resolves once the payment is durable (approved). */
  payCash(tendered: number): Approval {
    const sale = this.sale;
    if (sale.isEmpty) throw new CounterError('empty_sale', 'nothing to pay for');
    if (!Number.isSafeInteger(tendered) || tendered <= 0) throw new CounterError('bad_amount', 'cash tendered must be a positive whole number of fen');
    const total = sale.total;
    if (tendered < total) throw new CounterError('insufficient_cash', `cash ${tendered} is less than the total ${total}`);
    const asset = sale.asset!;
    const appended = this.options.journal.append({
      kind: 'payment',
      body: { asset, amount: total, tender: 'cash', ref: this.orderRef, details: { tendered, change: tendered - total, items: sale.count } },
    });
    const approval: Approval = { seq: appended.seq, hash: appended.hash, asset, total, change: tendered - total };
    this.sale = new Sale();
    this.orderRef = newOrderRef();
    this.emit('approved', approval);
    this.options.indicators?.beep('approved');
    this.options.indicators?.kickDrawer().catch(() => undefined);
    const printer = this.options.printer;
    if (printer) {
      printer.print(cashReceipt(this.options.merchant, sale, appended.record, appended.hash)).then(
        () => this.emit('receiptPrinted', appended.seq),
        (err: Error) => this.emit('receiptFailed', appended.seq, err),
      );
    }
    return approval;
  }

  private reject(found: ScanClass, reason: string): ScanClass {
    this.options.indicators?.beep('declined');
    this.emit('rejected', reason);
    return found;
  }
}

function newOrderRef(): string {
  return `S${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
