import { describe, expect, it } from 'vitest';
import { Signer } from '../../../src/crypto/ed25519.js';
import { defaultPaymentPolicy } from '../../../src/payments/policy.js';
import type { RecordDraft } from '../../../src/protocol/record.js';
import { localDay, localTime } from '../../../src/terminal/local-time.js';
import { buildReceipt } from '../../../src/terminal/receipts/build-receipt.js';
import type { PaymentRecord, ReceiptInput, ReturnRecord } from '../../../src/terminal/receipts/receipt-input.js';
import { ChainBuilder } from '../../support/chain.js';

/** 2026-11-23 17:02:03 UTC: 01:02:03 on the 24th in Hangzhou (UTC+8). */
const HANGZHOU_0102 = Date.UTC(2026, 10, 23, 17, 2, 3);

function chainAt(wall: number): { add(draft: RecordDraft): PaymentRecord | ReturnRecord } {
  const chain = new ChainBuilder(Signer.fromSeed(new Uint8Array(32).fill(2)));
  return { add: (draft) => chain.add(draft, (r) => ({ ...r, time: { ...r.time, wall } })) as PaymentRecord | ReturnRecord };
}

function input(record: PaymentRecord | ReturnRecord, payment: PaymentRecord, overrides: Partial<ReceiptInput> = {}): ReceiptInput {
  return {
    merchant: { name: '街角小店 Corner Shop', address: '杭州市西湖区文三路 90 号', phone: '0571-8888 6666', city: '杭州 Hangzhou' },
    timezone: defaultPaymentPolicy().merchant.timezone,
    language: 'zh-en',
    record,
    payment,
    lines: [
      { name: '矿泉水 Mineral water 550ml', unitPrice: 200, quantity: 2 },
      { name: '方便面 Instant noodles', unitPrice: 450, quantity: 1 },
    ],
    payer: null,
    acquirerRef: null,
    offline: null,
    copy: null,
    reprint: false,
    qr: 'POSDR1:test',
    ...overrides,
  };
}

describe('local time', () => {
  it('shows a 01:02 sale in Hangzhou on its own day, not the previous one (UTC)', () => {
    expect(new Date(HANGZHOU_0102).toISOString()).toBe('2026-11-23T17:02:03.000Z');
    expect(localTime(HANGZHOU_0102, 'Asia/Shanghai')).toEqual({ date: '2026-11-24', time: '01:02:03', offset: '+08:00', zone: 'Asia/Shanghai' });
    expect(localDay(HANGZHOU_0102, 'Asia/Shanghai')).toBe('2026-11-24');
    expect(localTime(HANGZHOU_0102, 'Europe/Berlin')).toMatchObject({ date: '2026-11-23', time: '18:02:03', offset: '+01:00' });
    expect(localTime(HANGZHOU_0102, 'Mars/Olympus')).toMatchObject({ date: '2026-11-23', time: '17:02:03', offset: '+00:00', zone: 'UTC' });
  });
});

describe('buildReceipt', () => {
  const chain = chainAt(HANGZHOU_0102);
  const cash = chain.add({ kind: 'payment', body: { asset: 'CNY', amount: 850, tender: 'cash', ref: 'order-1', details: { tendered: 1000, change: 150, items: 3 } } }) as PaymentRecord;

  it('prints the sale in the shop zone (default Asia/Shanghai), with unit prices, quantities, merchant data and change', () => {
    const receipt = buildReceipt(input(cash, cash));
    expect(defaultPaymentPolicy().merchant.timezone).toBe('Asia/Shanghai');
    expect(receipt.header).toEqual(['街角小店 Corner Shop', '杭州市西湖区文三路 90 号', '电话 Tel 0571-8888 6666', '杭州 Hangzhou']);
    expect(receipt.titles).toEqual(['销售小票 SALES RECEIPT']);
    expect(receipt.info).toEqual([
      { label: '时间 Time', value: '2026-11-24 01:02:03' },
      { label: '终端 Terminal', value: cash.terminal },
      { label: '流水号 No.', value: '1' },
      { label: '订单号 Order', value: 'order-1' },
    ]);
    expect(receipt.items).toEqual([
      { text: '矿泉水 Mineral water 550ml', amount: '4.00', detail: '2 x 2.00' },
      { text: '方便面 Instant noodles', amount: '4.50', detail: '1 x 4.50' },
    ]);
    expect(receipt.totals).toEqual([
      { label: '合计 TOTAL CNY', amount: '8.50', emphasis: true },
      { label: '现金 Cash', amount: '10.00' },
      { label: '找零 Change', amount: '1.50' },
    ]);
    expect(receipt.payment).toEqual([{ label: '支付方式 Paid by', value: '现金 Cash' }]);
    expect(receipt.footer).toEqual(['Asia/Shanghai UTC+08:00', '扫码验证 Scan to verify']);
    expect(receipt.qr).toBe('POSDR1:test');
    expect(receipt.notices).toBeUndefined();
  });

  it('marks the copies and a reprint', () => {
    expect(buildReceipt(input(cash, cash, { copy: 'merchant' })).titles).toEqual(['销售小票 SALES RECEIPT', '商户联 MERCHANT COPY']);
    expect(buildReceipt(input(cash, cash, { copy: 'customer', reprint: true })).titles).toEqual(['销售小票 SALES RECEIPT', '顾客联 CUSTOMER COPY', '*** 重印 REPRINT ***']);
  });

  it('marks an offline payment and says how many offline payments the acquirer has yet to confirm', () => {
    const tap = chain.add({ kind: 'payment', body: { asset: 'MAT', amount: 1999, tender: 'wallet_tap', ref: 'order-2', details: { wallet: 'ab12cd34'.repeat(4), counter: 7 } } }) as PaymentRecord;
    const receipt = buildReceipt(input(tap, tap, { lines: [], payer: 'ab12cd..cd34', offline: { unconfirmed: 3 } }));
    expect(receipt.notices).toEqual(['离线交易 OFFLINE PAYMENT']);
    expect(receipt.payment).toEqual([
      { label: '支付方式 Paid by', value: '钱包碰一碰 Wallet tap' },
      { label: '付款人 Payer', value: 'ab12cd..cd34' },
      { label: '待确认离线 Unconfirmed offline', value: '3' },
    ]);
    expect(receipt.totals[0]).toEqual({ label: '合计 TOTAL MAT', amount: '19.99', emphasis: true });
  });

  it('prints refunds and voids with the payment they return and the reason, and no basket', () => {
    const refund = chain.add({ kind: 'refund', body: { asset: 'CNY', amount: 200, of: cash.seq, reason: '退货 returned' } });
    const receipt = buildReceipt(input(refund, cash));
    expect(receipt.titles).toEqual(['退款小票 REFUND']);
    expect(receipt.items).toEqual([]);
    expect(receipt.totals).toEqual([{ label: '退款金额 REFUNDED CNY', amount: '2.00', emphasis: true }]);
    expect(receipt.info).toContainEqual({ label: '原流水号 Original No.', value: String(cash.seq) });
    expect(receipt.payment).toEqual([
      { label: '退回方式 Returned to', value: '现金 Cash' },
      { label: '原因 Reason', value: '退货 returned' },
    ]);
    const voided = chain.add({ kind: 'void', body: { asset: 'CNY', amount: 650, of: cash.seq, reason: 'wrong basket' } });
    expect(buildReceipt(input(voided, cash)).titles).toEqual(['撤销小票 VOID']);
  });

  it('prints English alone for a printer without Chinese, dropping what cannot be read', () => {
    const receipt = buildReceipt(input(cash, cash, { language: 'en', copy: 'customer' }));
    expect(receipt.header).toEqual(['Corner Shop', 'Tel 0571-8888 6666', 'Hangzhou']);
    expect(receipt.titles).toEqual(['SALES RECEIPT', 'CUSTOMER COPY']);
    expect(receipt.items.map((i) => i.text)).toEqual(['Mineral water 550ml', 'Instant noodles']);
    expect(JSON.stringify(receipt)).toMatch(/^[\x20-\x7e]*$/);
  });
});
