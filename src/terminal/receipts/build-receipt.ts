import { formatMoney } from '../../protocol/assets.js';
import { localTime } from '../local-time.js';
import type { ReceiptContent, ReceiptRow } from '../ports.js';
import { forLanguage, tenderName, word } from './labels.js';
import type { ReceiptInput } from './receipt-input.js';

function money(minor: number, asset: string): string {
  return formatMoney(minor, asset, { code: false });
}

const TITLE = { payment: 'sale', refund: 'refund', void: 'void', reversal: 'reversal' } as const;
const AMOUNT_LABEL = { payment: 'total', refund: 'refunded', void: 'voided', reversal: 'reversed' } as const;

/**
 * A receipt for a payment, refund, void or reversal: pure, from the journal record and what the
 * payment knew (the basket, the masked payer). The amount, the record's number and the time are
 * the record's own; the time is shown in the shop's zone.
 */
export function buildReceipt(input: ReceiptInput): ReceiptContent {
  const { record, payment, language: lang } = input;
  const asset = record.body.asset;
  const at = localTime(record.time.wall, input.timezone);
  const text = (s: string, fallback = '?'): string => forLanguage(lang, s, fallback);
  const optional = (s: string | undefined): string | null => (s ? forLanguage(lang, s) : null);

  const header = [text(input.merchant.name, 'posd')];
  const address = optional(input.merchant.address);
  if (address) header.push(address);
  if (input.merchant.phone) header.push(`${word(lang, 'tel')} ${text(input.merchant.phone)}`);
  const city = optional(input.merchant.city);
  if (city) header.push(city);

  const titles = [word(lang, TITLE[record.kind])];
  if (input.copy) titles.push(word(lang, input.copy === 'merchant' ? 'merchantCopy' : 'customerCopy'));
  if (input.reprint) titles.push(`*** ${word(lang, 'reprint')} ***`);

  const info: ReceiptRow[] = [
    { label: word(lang, 'time'), value: `${at.date} ${at.time}` },
    { label: word(lang, 'terminal'), value: record.terminal },
    { label: word(lang, 'number'), value: String(record.seq) },
  ];
  if (record.kind !== 'payment') info.push({ label: word(lang, 'original'), value: String(payment.seq) });
  info.push({ label: word(lang, 'order'), value: text(payment.body.ref) });

  const items = record.kind === 'payment'
    ? input.lines.map((line) => ({
        text: text(line.name, 'item'),
        amount: money(line.unitPrice * line.quantity, asset),
        detail: `${line.quantity} x ${money(line.unitPrice, asset)}`,
      }))
    : [];

  const totals: { label: string; amount: string; emphasis?: boolean }[] = [
    { label: `${word(lang, AMOUNT_LABEL[record.kind])} ${asset}`, amount: money(record.body.amount, asset), emphasis: true },
  ];
  const details = payment.body.details;
  if (record.kind === 'payment' && payment.body.tender === 'cash' && typeof details.tendered === 'number' && typeof details.change === 'number') {
    totals.push({ label: tenderName(lang, 'cash'), amount: money(details.tendered, asset) }, { label: word(lang, 'change'), amount: money(details.change, asset) });
  }

  const paymentRows: ReceiptRow[] = [{ label: word(lang, record.kind === 'payment' ? 'method' : 'returnedTo'), value: tenderName(lang, payment.body.tender) }];
  if (input.payer) paymentRows.push({ label: word(lang, 'payer'), value: text(input.payer) });
  if (input.acquirerRef) paymentRows.push({ label: word(lang, 'reference'), value: text(input.acquirerRef) });
  if (record.kind !== 'payment') paymentRows.push({ label: word(lang, 'reason'), value: text(record.body.reason) });

  const notices: string[] = [];
  if (input.offline && record.kind === 'payment') {
    notices.push(word(lang, 'offline'));
    paymentRows.push({ label: word(lang, 'unconfirmed'), value: String(input.offline.unconfirmed) });
  }

  const footer = [`${at.zone} UTC${at.offset}`];
  if (input.qr) footer.push(word(lang, 'verify'));
  return {
    header,
    titles,
    info,
    items,
    totals,
    payment: paymentRows,
    ...(notices.length ? { notices } : {}),
    footer,
    ...(input.qr ? { qr: input.qr } : {}),
    openDrawer: false,
  };
}
