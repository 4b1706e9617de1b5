import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Product } from '../terminal/catalog/catalog.js';
import { Sale, SaleError, type SaleLine } from '../terminal/counter/sale.js';
import type { Indicators, ScanInput } from '../terminal/ports.js';
import { classifyScan, type CodeTables, type ScanClass } from '../terminal/scan-classification/index.js';
import { CodedError } from '../errors/coded-error.js';
import { describeMethod, type PaymentEngine } from './engine.js';
import { PaymentError } from './errors.js';
import type { Payment, PaymentMethod } from './payment.js';
import type { CardPort } from './nfc-wallet/card-port.js';
import type { OfflinePolicy } from './payment.js';

/** What a cash sale's approval says at the counter. */
export interface CashApproval {
  seq: number;
  asset: string;
  total: number;
  change: number;
  payment: Payment;
}

export interface CheckoutEvents {
  item: [line: SaleLine, total: number];
  /** A scan or input the counter cannot use, and why (a payment code is never repeated). */
  rejected: [reason: string];
}

export class CounterError extends CodedError<'empty_sale' | 'insufficient_cash' | 'bad_amount'> {
  override readonly name = 'CounterError';
}

export interface CheckoutOptions {
  engine: PaymentEngine;
  /** Where scanned products are looked up (the catalogue in force, which may be reloaded). */
  catalog: { find(gtin: string): Product | undefined };
  codeTables: () => CodeTables;
  indicators?: Indicators;
}

/**
 * The counter: scans ring products up into the basket; a payment code, an offline QR or a
 * wallet tap pays for it (the customer may simply present one, no method chosen first); cash
 * is keyed in. Payments themselves are the engine's: the checkout only turns the basket into a
 * payment request with an idempotency key fixed for the sale.
 */
export class Checkout extends EventEmitter<CheckoutEvents> {
  private sale = new Sale();
  private saleKey = newSaleKey();

  constructor(private readonly options: CheckoutOptions) {
    super();
    options.engine.on('updated', (payment) => {
      if (payment.idempotencyKey !== this.saleKey) return;
      if (payment.state === 'succeeded') this.startNewSale();
      // Not paid: the basket stays, and the next attempt (another wallet, a code) is a new payment.
      else if (RETRYABLE_ENDINGS.has(payment.state)) this.saleKey = newSaleKey();
    });
  }

  get current(): Sale {
    return this.sale;
  }

  /** The idempotency key the current sale's payment uses. */
  get currentSaleKey(): string {
    return this.saleKey;
  }

  listen(scanner: ScanInput): void {
    scanner.on('scan', (scan) => this.scanned(scan.text, scan.symbology));
  }

  clear(): void {
    const active = this.options.engine.current();
    if (active && active.idempotencyKey === this.saleKey) throw new PaymentError('busy', 'the sale is being paid: cancel the payment first');
    this.startNewSale();
  }

  scanned(text: string, symbology?: string): ScanClass {
    const found = classifyScan(text, this.options.codeTables(), { symbology });
    switch (found.kind) {
      case 'product': {
        const product = this.options.catalog.find(found.gtin);
        if (!product) return this.reject(found, `product ${found.gtin} is not in the catalog`);
        if (this.options.engine.current()?.idempotencyKey === this.saleKey) return this.reject(found, 'the sale is being paid: finish or cancel the payment first');
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
        return this.presentOrReject(found, () => ({ kind: 'code', code: found.code, scheme: found.scheme }), 'code');
      case 'emv_cpm':
        return this.presentOrReject(found, () => ({ kind: 'code', code: found.payload, scheme: 'emv_cpm' }), 'code');
      case 'offline_qr':
        return this.presentOrReject(found, () => ({ kind: 'offline_qr', payload: found.payload }), 'offline_qr');
      case 'unknown':
        return this.reject(found, `not a code this counter takes (${found.reason})`);
    }
  }

  /** A wallet in the NFC field: pays the waiting payment, or the basket when nothing waits. */
  tapped(card: CardPort, tapId: number): Payment | undefined {
    try {
      this.ensurePayment('wallet_tap');
      return this.options.engine.present({ kind: 'card', card, tapId });
    } catch (err) {
      if (!(err instanceof PaymentError)) throw err;
      this.refuse(err.message);
      return undefined;
    }
  }

  /** Starts paying the basket (by a chosen method, or by whatever the customer presents). */
  pay(options: { method?: PaymentMethod; offline?: OfflinePolicy; tendered?: number } = {}): Payment {
    const sale = this.sale;
    if (sale.isEmpty) throw new CounterError('empty_sale', 'nothing to pay for');
    return this.options.engine.create({
      idempotencyKey: this.saleKey,
      amount: sale.total,
      asset: sale.asset!,
      items: sale.items.map((l) => ({ gtin: l.product.gtin, name: l.product.name, unitPrice: l.product.price, quantity: l.quantity })),
      ...(options.method ? { method: options.method } : {}),
      ...(options.offline ? { offline: options.offline } : {}),
      ...(options.tendered !== undefined ? { tendered: options.tendered } : {}),
    });
  }

  /** Takes cash for the basket. Returns once the payment is durable (approved). */
  payCash(tendered: number): CashApproval {
    const sale = this.sale;
    if (sale.isEmpty) throw new CounterError('empty_sale', 'nothing to pay for');
    if (!Number.isSafeInteger(tendered) || tendered <= 0) throw new CounterError('bad_amount', 'cash tendered must be a positive whole number of fen');
    if (tendered < sale.total) throw new CounterError('insufficient_cash', `cash ${tendered} is less than the total ${sale.total}`);
    const active = this.options.engine.current();
    const payment =
      active && active.idempotencyKey === this.saleKey && active.state === 'waiting_for_customer' && (active.method === null || active.method === 'cash')
        ? this.options.engine.present({ kind: 'cash', tendered })
        : this.pay({ method: 'cash', tendered });
    return { seq: payment.seq!, asset: payment.asset, total: payment.amount, change: Number(payment.facts.change ?? 0), payment };
  }

  private presentOrReject(found: ScanClass, input: () => Parameters<PaymentEngine['present']>[0], method: PaymentMethod): ScanClass {
    try {
      this.ensurePayment(method);
      this.options.engine.present(input());
      return found;
    } catch (err) {
      if (!(err instanceof PaymentError)) throw err;
      return this.reject(found, err.message);
    }
  }

  /** When nothing waits for the customer and the basket has something, the customer's code or card starts its payment. */
  private ensurePayment(method: PaymentMethod): void {
    if (!this.options.engine.methods().includes(method)) throw new PaymentError('method_unavailable', `${describeMethod(method)} is not set up on this terminal`);
    const active = this.options.engine.current();
    if (active) return;
    if (this.sale.isEmpty) throw new PaymentError('not_waiting', `nothing to pay for: scan the products first, then ${method === 'wallet_tap' ? 'tap the wallet' : 'the payment code'}`);
    this.pay();
  }

  private startNewSale(): void {
    this.sale = new Sale();
    this.saleKey = newSaleKey();
  }

  private reject(found: ScanClass, reason: string): ScanClass {
    this.refuse(reason);
    return found;
  }

  private refuse(reason: string): void {
    this.options.indicators?.beep('declined');
    this.emit('rejected', reason);
  }
}

/** A sale's payment that ended in one of these took no money: the basket may be paid again. */
const RETRYABLE_ENDINGS: ReadonlySet<Payment['state']> = new Set(['declined', 'expired', 'canceled', 'reversed']);

function newSaleKey(): string {
  return `sale-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
