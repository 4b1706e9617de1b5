import type { Tender } from '../../protocol/record.js';
import type { ReceiptLanguage } from './receipt-input.js';

/** Every fixed word on receipts and reports, in Chinese and English. */
const WORDS = {
  sale: ['销售小票', 'SALES RECEIPT'],
  refund: ['退款小票', 'REFUND'],
  void: ['撤销小票', 'VOID'],
  reversal: ['冲正凭证', 'REVERSAL'],
  customerCopy: ['顾客联', 'CUSTOMER COPY'],
  merchantCopy: ['商户联', 'MERCHANT COPY'],
  reprint: ['重印', 'REPRINT'],
  time: ['时间', 'Time'],
  terminal: ['终端', 'Terminal'],
  number: ['流水号', 'No.'],
  original: ['原流水号', 'Original No.'],
  order: ['订单号', 'Order'],
  total: ['合计', 'TOTAL'],
  refunded: ['退款金额', 'REFUNDED'],
  voided: ['撤销金额', 'VOIDED'],
  reversed: ['冲正金额', 'REVERSED'],
  change: ['找零', 'Change'],
  method: ['支付方式', 'Paid by'],
  returnedTo: ['退回方式', 'Returned to'],
  payer: ['付款人', 'Payer'],
  reference: ['参考号', 'Reference'],
  reason: ['原因', 'Reason'],
  offline: ['离线交易', 'OFFLINE PAYMENT'],
  unconfirmed: ['待确认离线', 'Unconfirmed offline'],
  verify: ['扫码验证', 'Scan to verify'],
  tel: ['电话', 'Tel'],
  xReport: ['X 报表', 'X REPORT'],
  noReset: ['不清零', 'no reset'],
  zReport: ['Z 报表', 'Z REPORT'],
  dayClose: ['日结', 'day close'],
  day: ['营业日', 'Business day'],
  records: ['记录', 'Records'],
  sales: ['销售', 'Sales'],
  refunds: ['退款', 'Refunds'],
  voids: ['撤销', 'Voids'],
  reversals: ['冲正', 'Reversals'],
  net: ['净额', 'Net'],
  byMethod: ['按支付方式', 'by method'],
  nothing: ['无交易', 'No transactions'],
  nextZ: ['下一 Z 号', 'Next Z'],
  zNumber: ['Z 号', 'Z number'],
  checkpoint: ['检查点', 'Checkpoint'],
} as const satisfies Record<string, readonly [string, string]>;

const TENDERS: Readonly<Record<Tender, readonly [string, string]>> = {
  cash: ['现金', 'Cash'],
  code: ['付款码', 'Payment code'],
  merchant_qr: ['扫码支付', 'Shop QR'],
  wallet_tap: ['钱包碰一碰', 'Wallet tap'],
  offline_qr: ['离线码', 'Offline QR'],
};

export type Word = keyof typeof WORDS;

/** A fixed word: `中文 English`, or English alone. */
export function word(language: ReceiptLanguage, key: Word): string {
  const [zh, en] = WORDS[key];
  return language === 'en' ? en : `${zh} ${en}`;
}

export function tenderName(language: ReceiptLanguage, tender: string): string {
  const names = TENDERS[tender as Tender];
  if (!names) return tender;
  return language === 'en' ? names[1] : `${names[0]} ${names[1]}`;
}

/**
 * Text for a printer without Chinese: characters outside printable ASCII are dropped and the
 * spaces around them closed up (`矿泉水 Mineral water` -> `Mineral water`). When what remains
 * has no letter (`杭州市文三路 90 号` -> `90`), nothing readable is left: the fallback, or null.
 */
export function forLanguage(language: ReceiptLanguage, text: string): string | null;
export function forLanguage(language: ReceiptLanguage, text: string, fallback: string): string;
export function forLanguage(language: ReceiptLanguage, text: string, fallback?: string): string | null {
  if (language !== 'en' || /^[\x20-\x7e]*$/.test(text)) return text;
  const ascii = text.replace(/[^\x20-\x7e]/g, ' ').replace(/\s+/g, ' ').trim();
  return /[A-Za-z]/.test(ascii) ? ascii : (fallback ?? null);
}
