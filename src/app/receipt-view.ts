import type { PrinterProfile } from '../drivers/escpos/profiles.js';
import type { Payment } from '../payments/payment.js';
import type { PaymentBody, SignedRecord } from '../protocol/record.js';
import type { Journal } from '../terminal/ledger/journal.js';
import { paymentReceipt, type MerchantInfo } from '../terminal/receipts/payment-receipt.js';
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
    /** The record's hash (hex): what the QR commits to. */
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
    items: { name: string; unitPrice: number; quantity: number; amount: number }[];
  };
  /** The receipt as printed, one string per printed line, at the printer's width (`columns`). */
  lines: string[];
  columns: number;
  /** The text of the receipt's QR code: what a customer or auditor scans to verify it. */
  verification: string;
}

/**
 * Builds receipts as the printer gets them. (When the receipts work lands, its ReceiptService
 * gives the content and the QR of any record; this view then takes them from there.)
 */
export function receiptViews(journal: Journal, merchant: () => MerchantInfo, profile: () => PrinterProfile): (payment: Payment) => PaymentReceipt | undefined {
  const cache = new Map<number, PaymentReceipt>();
  return (payment) => {
    if (payment.state !== 'succeeded' || payment.seq === null) return undefined;
    const cached = cache.get(payment.seq);
    if (cached) return cached;
    const stored = journal.get(payment.seq);
    if (!stored) return undefined;
    const record = JSON.parse(stored.text) as SignedRecord;
    if (record.kind !== 'payment') return undefined;
    const body = record.body as PaymentBody;
    const hash = Buffer.from(stored.hash).toString('hex');
    const shop = merchant();
    const content = paymentReceipt(shop, payment.items, record, hash);
    const printer = profile();
    const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
    const view: PaymentReceipt = {
      fields: {
        merchant: shop.name,
        city: shop.city ?? null,
        terminal: record.terminal,
        seq: record.seq,
        recordHash: hash,
        ref: body.ref,
        time: record.time.wall,
        method: body.tender,
        asset: body.asset,
        amount: body.amount,
        tendered: number(body.details.tendered),
        change: number(body.details.change),
        offline: payment.offlineApproved,
        items: payment.items.map((i) => ({ name: i.name, unitPrice: i.unitPrice, quantity: i.quantity, amount: i.unitPrice * i.quantity })),
      },
      lines: receiptText(receiptDocument(content), printer),
      columns: printer.columns.A,
      verification: content.qr ?? '',
    };
    if (cache.size >= 64) cache.delete(cache.keys().next().value!);
    cache.set(payment.seq, view);
    return view;
  };
}
