import { formatMoney } from '../../protocol/assets.js';
import type { PaymentBody, SignedRecord } from '../../protocol/record.js';
import type { ReceiptContent } from '../ports.js';

export interface MerchantInfo {
  name: string;
  city?: string;
}

/** A line of the receipt's basket. */
export interface ReceiptLine {
  name: string;
  unitPrice: number;
  quantity: number;
}

function money(minor: number, asset: string): string {
  return formatMoney(minor, asset, { code: false });
}

const TENDER_LABEL: Readonly<Record<string, string>> = {
  cash: '现金 Cash',
  code: '付款码 Payment code',
  merchant_qr: '扫码支付 Shop QR',
  wallet_tap: '钱包碰一碰 Wallet tap',
  offline_qr: '离线码 Offline QR',
};

/**
 * The QR on every receipt names the journal record behind it: terminal id, seq and record
 * hash. With the terminal's public key and an inclusion proof (posctl journal prove), anyone
 * can check the receipt is in the journal the acquirer countersigned.
 */
export function receiptQr(record: { terminal: string; seq: number }, hash: string): string {
  return `POSD1:${record.terminal}:${record.seq}:${hash}`;
}

/** A payment's receipt, from its journal record (the truth) and the basket it paid for. */
export function paymentReceipt(merchant: MerchantInfo, lines: readonly ReceiptLine[], record: SignedRecord, hash: string): ReceiptContent {
  if (record.kind !== 'payment') throw new Error('a payment receipt is for a payment record');
  const body = record.body as PaymentBody;
  const totals: ReceiptContent['totals'][number][] = [{ label: `合计 TOTAL ${body.asset}`, amount: money(body.amount, body.asset), emphasis: true }];
  if (body.tender === 'cash') {
    const tendered = typeof body.details.tendered === 'number' ? body.details.tendered : body.amount;
    const change = typeof body.details.change === 'number' ? body.details.change : 0;
    totals.push({ label: TENDER_LABEL.cash!, amount: money(tendered, body.asset) }, { label: '找零 Change', amount: money(change, body.asset) });
  } else {
    totals.push({ label: TENDER_LABEL[body.tender] ?? body.tender, amount: money(body.amount, body.asset) });
  }
  return {
    header: [merchant.name, ...(merchant.city ? [merchant.city] : []), '销售小票 SALES RECEIPT'],
    items: lines.map((l) => ({ text: l.quantity > 1 ? `${l.name} x${l.quantity}` : l.name, amount: money(l.unitPrice * l.quantity, body.asset) })),
    totals,
    footer: [
      `Terminal ${record.terminal}  No. ${record.seq}`,
      `Order ${body.ref}`,
      new Date(record.time.wall).toISOString().replace('T', ' ').slice(0, 19) + ' UTC',
      '扫码验证 Scan to verify',
    ],
    qr: receiptQr(record, hash),
    openDrawer: false,
  };
}
