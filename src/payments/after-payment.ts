import { EventEmitter } from 'node:events';
import type { KeyEndorsement } from '../protocol/key-endorsement.js';
import type { Journal } from '../terminal/ledger/journal.js';
import type { Indicators, ReceiptContent, ReceiptOutput } from '../terminal/ports.js';
import { buildReceipt } from '../terminal/receipts/build-receipt.js';
import { ReceiptError } from '../terminal/receipts/errors.js';
import type { PaymentRecord, ReceiptInput, ReceiptLine, ReceiptMerchant, ReturnRecord } from '../terminal/receipts/receipt-input.js';
import { signedReceiptQr } from '../terminal/receipts/sign-receipt-qr.js';
import { maskPaymentCode } from '../terminal/scan-classification/sensitive.js';
import type { PaymentEngine } from './engine.js';
import { offlineExposure, type SettlementPoint } from './offline-limits.js';
import type { Payment } from './payment.js';
import { defaultPaymentPolicy, type PaymentPolicy } from './policy.js';

export interface AfterPaymentEvents {
  receiptPrinted: [seq: number];
  receiptFailed: [seq: number, error: Error];
}

/** A merchant name and city that override the policy's (older callers, tests). */
export interface MerchantInfo {
  name: string;
  city?: string;
}

export interface AfterPaymentOptions {
  engine: PaymentEngine;
  journal: Journal;
  /** Merchant data, time zone and receipt copies; default: the default policy. */
  policy?: () => PaymentPolicy;
  merchant?: () => MerchantInfo;
  /** Where settlement stands, for the count of unconfirmed offline payments; default: the ledger's settled point. */
  settlement?: () => SettlementPoint;
  printer?: ReceiptOutput;
  indicators?: Indicators;
  clock?: () => number;
  /**
   * The acquirer's endorsement of the terminal's current key (provisioning), or null: receipts
   * signed by that key carry it in their QR (docs/receipt-qr.md section 5).
   */
  endorsement?: () => KeyEndorsement | null;
}

/** Which copies to print: as the policy says (one, or customer and merchant), or the ones named. */
export type CopyChoice = 'policy' | 'customer' | 'merchant' | 'both';

export interface PrintOptions {
  /** Printed again on request: marked as a reprint on paper. */
  reprint?: boolean;
  /** Default: 'policy' for the first print, the customer's copy for a reprint. */
  copies?: CopyChoice;
}

const RECEIPT_KINDS = new Set(['payment', 'refund', 'void', 'reversal']);

/**
 * What follows a payment's outcome at the counter: the beep, the drawer for cash, the receipt.
 * None of it can undo an approval: the record is on disk before any of this runs, and a receipt
 * that fails to print can be printed again from the journal (printRecord, by seq). Refund and
 * void records get their receipt as soon as they are journaled, whoever appended them.
 */
export class AfterPayment extends EventEmitter<AfterPaymentEvents> {
  private readonly policy: () => PaymentPolicy;
  private readonly clock: () => number;
  /** Receipts printing in the background (after a payment, a refund, a void); each settles, never rejects. */
  private readonly printing = new Set<Promise<void>>();

  constructor(private readonly options: AfterPaymentOptions) {
    super();
    const fallback = defaultPaymentPolicy();
    this.policy = options.policy ?? (() => fallback);
    this.clock = options.clock ?? Date.now;
    options.engine.on('updated', (payment) => this.onUpdated(payment));
    if (options.printer) {
      options.journal.onAppend(({ seq, record }) => {
        if (record.kind === 'refund' || record.kind === 'void') this.printInBackground(seq, {});
      });
    }
  }

  /** Prints a succeeded payment's receipt: the copies the policy asks for, or a marked reprint. */
  print(payment: Payment, options: PrintOptions = {}): Promise<void> {
    if (payment.seq === null) return Promise.resolve();
    if (!this.options.printer) return Promise.resolve();
    return this.printRecord(payment.seq, options);
  }

  /**
   * Prints the receipt of any payment, refund, void or reversal by its seq. Throws ReceiptError:
   * not_found, no_receipt (not a money record), no_printer.
   */
  async printRecord(seq: number, options: PrintOptions = {}): Promise<void> {
    const printer = this.options.printer;
    if (!printer) throw new ReceiptError('no_printer', 'this terminal has no printer');
    for (const content of this.receipts(seq, options)) await printer.print(content);
  }

  /** The receipts (one per copy) of a record as they would print now; for the faces and tests. */
  receipts(seq: number, options: PrintOptions = {}): ReceiptContent[] {
    const base = this.inputFor(seq, options.reprint ?? false);
    return this.copiesFor(options).map((copy) => buildReceipt({ ...base, copy }));
  }

  /** The QR text of a record's receipt (docs/receipt-qr.md), or null when it would not fit. */
  qr(seq: number): string | null {
    return this.inputFor(seq, false).qr;
  }

  /** The merchant as receipts name it: the policy's, overridden by the `merchant` option. */
  merchant(): ReceiptMerchant {
    const { merchant } = this.policy();
    return {
      name: merchant.name,
      ...(merchant.address ? { address: merchant.address } : {}),
      ...(merchant.phone ? { phone: merchant.phone } : {}),
      ...(merchant.city ? { city: merchant.city } : {}),
      ...this.options.merchant?.(),
    };
  }

  /** A payment's signed record with its hash (hex), or undefined when `seq` is not a payment. */
  record(seq: number): (PaymentRecord & { hash: string }) | undefined {
    const record = this.options.journal.recordAt(seq);
    if (!record || record.kind !== 'payment') return undefined;
    return { ...record, hash: Buffer.from(this.options.journal.get(seq)!.hash).toString('hex') };
  }

  /** The newest record a receipt is printed for (payment, refund or void), or null. */
  lastReceiptSeq(): number | null {
    const journal = this.options.journal;
    const seqs = (['payment', 'refund', 'void'] as const).map((kind) => journal.lastSeqOfKind(kind)).filter((s): s is number => s !== null);
    return seqs.length ? Math.max(...seqs) : null;
  }

  private copiesFor(options: PrintOptions): ('customer' | 'merchant' | null)[] {
    const two = this.policy().receiptCopies === 2;
    switch (options.copies ?? (options.reprint ? 'customer' : 'policy')) {
      case 'policy':
        return two ? ['customer', 'merchant'] : [null];
      case 'customer':
        return [two ? 'customer' : null];
      case 'merchant':
        return ['merchant'];
      case 'both':
        return ['customer', 'merchant'];
    }
  }

  /** The receipt's facts: the record and its payment from the journal, the basket and payer from the payment's snapshot. */
  private inputFor(seq: number, reprint: boolean): Omit<ReceiptInput, 'copy'> {
    const { journal } = this.options;
    const record = journal.recordAt(seq);
    if (!record) throw new ReceiptError('not_found', `no record ${seq} in the journal`);
    if (!RECEIPT_KINDS.has(record.kind)) throw new ReceiptError('no_receipt', `record ${seq} is a ${record.kind}: receipts are printed for payments, refunds, voids and reversals`);
    const money = record as PaymentRecord | ReturnRecord;
    const payment = money.kind === 'payment' ? money : this.paymentRecord(money.body.of);
    const snapshot = this.snapshotOf(payment.seq);
    const hash = Buffer.from(journal.get(seq)!.hash).toString('hex');
    const policy = this.policy();
    const merchant = this.merchant();
    const offline = snapshot?.offlineApproved ?? (payment.body.tender === 'wallet_tap' || payment.body.tender === 'offline_qr');
    return {
      merchant,
      timezone: policy.merchant.timezone,
      language: this.options.printer?.chinese === false ? 'en' : 'zh-en',
      record: money,
      payment,
      lines: linesOf(snapshot),
      payer: payerOf(payment, snapshot),
      acquirerRef: firstString(payment.body.details, snapshot?.facts, ['acquirerRef', 'transactionId']),
      offline: offline ? { unconfirmed: this.unconfirmedOffline() } : null,
      reprint,
      qr: signedReceiptQr(money, hash, payment, journal, this.options.endorsement?.() ?? null),
    };
  }

  private paymentRecord(seq: number): PaymentRecord {
    const record = this.options.journal.recordAt(seq);
    if (!record || record.kind !== 'payment') throw new ReceiptError('not_found', `record ${seq}, the payment returned, is not a payment in the journal`);
    return record;
  }

  private snapshotOf(seq: number): Payment | undefined {
    const row = this.options.journal.payments?.bySeq(seq);
    return row ? (JSON.parse(row.snapshot) as Payment) : undefined;
  }

  private unconfirmedOffline(): number {
    const book = this.options.journal.payments;
    if (!book) return 0;
    const point = this.options.settlement?.() ?? { settledThrough: this.options.journal.settlement?.settledThrough ?? -1, lastSettledAt: 0 };
    return offlineExposure(book, point, this.clock()).count;
  }

  /**
   * Waits, at most `ms`, for the receipts printing in the background now: a stop lets the
   * customer's receipt finish instead of cutting it off. True when none is left printing.
   */
  async finishPrinting(ms: number): Promise<boolean> {
    if (this.printing.size === 0) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([Promise.all(this.printing).then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private printInBackground(seq: number, options: PrintOptions): void {
    const job: Promise<void> = this.printRecord(seq, options).then(
      () => void this.emit('receiptPrinted', seq),
      (err: Error) => void this.emit('receiptFailed', seq, err),
    );
    this.printing.add(job);
    void job.then(() => this.printing.delete(job));
  }

  private onUpdated(payment: Payment): void {
    const { indicators } = this.options;
    if (payment.state === 'declined' || payment.state === 'expired') indicators?.beep('declined');
    if (payment.state !== 'succeeded' || payment.seq === null) return;
    indicators?.beep('approved');
    if (payment.method === 'cash') indicators?.kickDrawer().catch(() => undefined);
    if (this.options.printer) this.printInBackground(payment.seq, {});
  }
}

function linesOf(snapshot: Payment | undefined): ReceiptLine[] {
  return (snapshot?.items ?? []).map((item) => ({ name: item.name, unitPrice: item.unitPrice, quantity: item.quantity }));
}

type Facts = Readonly<Record<string, string | number | boolean>>;

function firstString(details: Facts, facts: Facts | undefined, names: readonly string[]): string | null {
  for (const name of names) {
    const value = details[name] ?? facts?.[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return null;
}

/**
 * The payer's reference as a receipt may show it. A payment code never appears whole: a value
 * the tender already masked (it holds `*` and at most 8 other characters) is kept, anything else
 * is masked as logs mask codes. A wallet id is shortened to its first 6 and last 4 hex digits.
 */
export function payerOf(payment: PaymentRecord, snapshot: Payment | undefined): string | null {
  const details = payment.body.details as Facts;
  switch (payment.body.tender) {
    case 'code':
    case 'merchant_qr': {
      const code = firstString(details, snapshot?.facts, ['maskedCode', 'code', 'payer']);
      if (code === null) return null;
      const shown = code.replace(/\*/g, '').length;
      return code.includes('*') && shown <= 8 ? code : maskPaymentCode(code);
    }
    case 'wallet_tap':
    case 'offline_qr': {
      const wallet = firstString(details, snapshot?.facts, ['wallet']);
      return wallet === null ? null : wallet.length > 12 ? `${wallet.slice(0, 6)}..${wallet.slice(-4)}` : wallet;
    }
    case 'cash':
      return null;
  }
}
