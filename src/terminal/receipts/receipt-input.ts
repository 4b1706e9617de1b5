import type { SignedRecord } from '../../protocol/record.js';

/** The shop as its receipts name it. */
export interface ReceiptMerchant {
  name: string;
  address?: string;
  phone?: string;
  city?: string;
}

/** A line of the basket: what was bought, at what unit price (minor units of the payment's asset), how many. */
export interface ReceiptLine {
  name: string;
  unitPrice: number;
  quantity: number;
}

/** Bilingual (Chinese and English) on printers that print Chinese; English alone on the others. */
export type ReceiptLanguage = 'zh-en' | 'en';

export type PaymentRecord = Extract<SignedRecord, { kind: 'payment' }>;
export type ReturnRecord = Extract<SignedRecord, { kind: 'refund' | 'void' | 'reversal' }>;

/**
 * Everything one receipt shows. The money, the record's identity and the time come from the
 * journal record (the truth); the basket and the payer's masked reference from the payment.
 */
export interface ReceiptInput {
  merchant: ReceiptMerchant;
  /** IANA zone the shop is in: the receipt shows local time. */
  timezone: string;
  language: ReceiptLanguage;
  /** The record the receipt is for: a payment, refund, void or reversal. */
  record: PaymentRecord | ReturnRecord;
  /** The payment: the record itself, or the payment a return returns. */
  payment: PaymentRecord;
  lines: readonly ReceiptLine[];
  /** The payer's reference as the receipt may show it: a masked payment code, a shortened wallet id. */
  payer: string | null;
  /** The acquirer's or scheme's transaction reference, when there is one. */
  acquirerRef: string | null;
  /** Taken offline: printed with a marker and how many offline payments the acquirer has yet to confirm. */
  offline: { unconfirmed: number } | null;
  /** Which copy this is when the shop prints two; null when it prints one. */
  copy: 'customer' | 'merchant' | null;
  /** Printed again on request (not the first print). */
  reprint: boolean;
  /** The QR text (docs/receipt-qr.md); null prints none. */
  qr: string | null;
}
