import type { PrinterProfile } from '../drivers/escpos/profiles.js';
import { payerOf, type AfterPayment } from '../payments/after-payment.js';
import type { Payment } from '../payments/payment.js';
import { receiptDocument } from './adapters/escpos-receipts.js';
import { receiptText } from './adapters/receipt-text.js';

/** A succeeded payment's receipt for the faces: what it says, how it prints, and how to verify it. */
export interface PaymentReceipt {
  /** The facts, from the journal record (the truth) and the basket. */
  fields: {
    merchant: string;
    city: string | null;
    terminal: string;
    seq: number;
    /** The record's hash (hex): what the receipt's QR commits to. */
    recordHash: string;
    /** The order reference sent to the acquirer. */
    ref: string;
    /** When the record was made (epoch ms, the terminal's clock). */
    time: number;
    method: string;
    asset: string;
    amount: number;
    tendered: number | null;
    change: number | null;
    offline: boolean;
    /** The payer as the receipt shows it: a masked payment code or a shortened wallet id; null for cash. */
    payer: string | null;
    /** The acquirer's transaction reference (online payments). */
    acquirerRef: string | null;
    items: { name: string; unitPrice: number; quantity: number; amount: number }[];
  };
  /** The customer's receipt as printed, one string per printed line, at the printer's width (`columns`). */
  lines: string[];
  columns: number;
  /** The text of the receipt's QR code (docs/receipt-qr.md): what a customer or auditor scans to verify it; empty when it would not fit. */
  verification: string;
}

/**
 * Receipts as data for the faces, from the same receipt service that prints them, so the lines
 * the API returns are the lines on paper.
 */
export function receiptViews(after: AfterPayment, profile: () => PrinterProfile): (payment: Payment) => PaymentReceipt | undefined {
  const cache = new Map<number, PaymentReceipt>();
  return (payment) => {
    if (payment.state !== 'succeeded' || payment.seq === null) return undefined;
    const cached = cache.get(payment.seq);
    if (cached) return cached;
    const record = after.record(payment.seq);
    if (!record) return undefined;
    const content = after.receipts(payment.seq, { copies: 'customer' })[0];
    if (!content) return undefined;
    const printer = profile();
    const details = record.body.details;
    const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
    const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
    const view: PaymentReceipt = {
      fields: {
        merchant: content.header[0] ?? '',
        city: after.merchant().city ?? null,
        terminal: record.terminal,
        seq: record.seq,
        recordHash: record.hash,
        ref: record.body.ref,
        time: record.time.wall,
        method: record.body.tender,
        asset: record.body.asset,
        amount: record.body.amount,
        tendered: number(details.tendered),
        change: number(details.change),
        offline: payment.offlineApproved,
        payer: payerOf(record, payment),
        acquirerRef: text(details.acquirerRef) ?? text(payment.facts.acquirerRef),
        items: payment.items.map((i) => ({ name: i.name, unitPrice: i.unitPrice, quantity: i.quantity, amount: i.unitPrice * i.quantity })),
      },
      lines: receiptText(receiptDocument(content, printer), printer),
      columns: printer.columns.A,
      // The QR the receipt carries (the same signed text after.qr() makes, without signing it twice).
      verification: content.qr ?? '',
    };
    if (cache.size >= 64) cache.delete(cache.keys().next().value!);
    cache.set(payment.seq, view);
    return view;
  };
}

/** Any money record's receipt (payment, refund, void, reversal) as printed now, with its QR text. */
export interface RecordReceipt {
  seq: number;
  kind: 'payment' | 'refund' | 'void' | 'reversal';
  lines: string[];
  columns: number;
  verification: string;
}

/** Receipts by journal seq for the faces; throws ReceiptError (not_found, no_receipt) as printing would. */
export function recordReceiptViews(after: AfterPayment, profile: () => PrinterProfile, kindOf: (seq: number) => string | undefined): (seq: number) => RecordReceipt {
  return (seq) => {
    const [content] = after.receipts(seq, { copies: 'customer' });
    const printer = profile();
    const kind = kindOf(seq) as RecordReceipt['kind'];
    return { seq, kind, lines: content ? receiptText(receiptDocument(content, printer), printer) : [], columns: printer.columns.A, verification: content?.qr ?? '' };
  };
}
