import { formatMoney } from '../../protocol/assets.js';
import type { PaymentBody, SignedRecord } from '../../protocol/record.js';
import type { ReceiptContent } from '../ports.js';
import type { Sale } from '../counter/sale.js';

export interface MerchantInfo {
  name: string;
  city?: string;
}

function money(minor: number, asset: string): string {
  return formatMoney(minor, asset, { code: false });
}

/**
 * The QR on every receipt names the journal record behind it: terminal id, seq and record
 * hash. With the terminal's public key and an inclusion proof (posctl journal prove), anyone
 * can check the receipt is in the journal the acquirer countersigned.
 */
export function receiptQr(record: { terminal: string; seq: number }, hash: string): string {
  return `POSD1:${record.terminal}:${record.seq}:${hash}`;
}

/** A cash sale's receipt, from its journal record (the truth) and the items rung up. */
export function cashReceipt(merchant: MerchantInfo, sale: Sale, record: SignedRecord, hash: string): ReceiptContent {
  if (record.kind !== 'payment') throw new Error('a cash receipt is for a payment record');
  const body = record.body as PaymentBody;
  const tendered = typeof body.details.tendered === 'number' ? body.details.tendered : body.amount;
  const change = typeof body.details.change === 'number' ? body.details.change : 0;
  return {
    header: [merchant.name, ...(merchant.city ? [merchant.city] : []), '销售小票 SALES RECEIPT'],
    items: sale.items.map((l) => ({
      text: l.quantity > 1 ? `${l.product.name} x${l.quantity}` : l.product.name,
      amount: money(l.product.price * l.quantity, l.product.asset),
    })),
    totals: [
      { label: `合计 TOTAL ${body.asset}`, amount: money(body.amount, body.asset), emphasis: true },
      { label: '现金 Cash', amount: money(tendered, body.asset) },
      { label: '找零 Change', amount: money(change, body.asset) },
    ],
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
