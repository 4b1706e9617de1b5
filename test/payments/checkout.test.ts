import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/terminal/catalog/catalog.js';
import { DEMO_PRODUCTS } from '../../hw-sim/demo/shelf.js';
import { AfterPayment } from '../../src/payments/after-payment.js';
import { CashTender } from '../../src/payments/cash/cash-tender.js';
import { Checkout, CounterError } from '../../src/payments/checkout.js';
import { PaymentEngine } from '../../src/payments/engine.js';
import { defaultPaymentPolicy } from '../../src/payments/policy.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import type { BeepName, Indicators, ReceiptContent, ReceiptOutput } from '../../src/terminal/ports.js';
import type { SignedRecord } from '../../src/protocol/record.js';
import { verifyReceiptQr } from '../../src/protocol/receipt-qr.js';
import { tempDir } from '../support/tmp.js';

class FakeIndicators implements Indicators {
  beeps: BeepName[] = [];
  kicks = 0;
  beep(name: BeepName): void {
    this.beeps.push(name);
  }
  setOffline(): void {}
  setFault(): void {}
  async kickDrawer(): Promise<void> {
    this.kicks++;
  }
}

class RecordingPrinter implements ReceiptOutput {
  printed: ReceiptContent[] = [];
  fail = false;
  async print(receipt: ReceiptContent): Promise<void> {
    if (this.fail) throw new Error('paper out');
    this.printed.push(receipt);
  }
}

function setup() {
  const journal = Journal.open(tempDir());
  const indicators = new FakeIndicators();
  const printer = new RecordingPrinter();
  const policy = defaultPaymentPolicy();
  const engine = new PaymentEngine({ terminalId: journal.terminalId, journal, book: journal.payments!, tenders: [new CashTender()], policy: () => policy, settlement: () => ({ settledThrough: -1, lastSettledAt: Date.now() }) });
  const catalog = new Catalog(DEMO_PRODUCTS);
  const counter = new Checkout({ engine, catalog, codeTables: () => policy.codeTable, indicators });
  const after = new AfterPayment({ engine, journal, merchant: () => ({ name: '街角小店 Corner Shop', city: '杭州 Hangzhou' }), printer, indicators });
  return { journal, indicators, printer, counter, engine, after };
}

describe('counter', () => {
  it('rings up scanned products, takes cash, and approves only with the payment on disk', async () => {
    const { journal, indicators, printer, counter, engine, after } = setup();
    counter.scanned('6901234567892');
    counter.scanned('6954767410173');
    counter.scanned('6901234567892');
    expect(counter.current.total).toBe(850);
    expect(counter.current.count).toBe(3);

    let seenOnDisk: boolean | undefined;
    engine.on('updated', (a) => {
      if (a.state !== 'succeeded') return;
      const reader = Journal.open(journal.dataDir, { readOnly: true });
      seenOnDisk = reader.get(a.seq!) !== undefined;
      reader.close();
    });
    const printed = new Promise<number>((resolve) => after.on('receiptPrinted', resolve));
    const approval = counter.payCash(1000);
    expect(seenOnDisk).toBe(true);
    expect(approval).toMatchObject({ total: 850, change: 150, asset: 'CNY' });
    const record = JSON.parse(journal.get(approval.seq)!.text) as SignedRecord;
    expect(record).toMatchObject({ kind: 'payment', body: { asset: 'CNY', amount: 850, tender: 'cash', details: { tendered: 1000, change: 150, items: 3 } } });
    expect(await printed).toBe(approval.seq);
    const receipt = printer.printed[0]!;
    // Items carry their quantity and unit price (issue 8): the line total stays the amount.
    expect(receipt.items).toEqual([
      { text: '矿泉水 Mineral water 550ml', amount: '4.00', detail: '2 x 2.00' },
      { text: '方便面 Instant noodles', amount: '4.50', detail: '1 x 4.50' },
    ]);
    expect(receipt.totals[0]).toEqual({ label: '合计 TOTAL CNY', amount: '8.50', emphasis: true });
    // The QR names the record (terminal, seq, record hash), now signed (docs/receipt-qr.md) instead of the undocumented POSD1 text.
    expect(verifyReceiptQr(receipt.qr!).statement).toMatchObject({ terminal: journal.terminalId, seq: approval.seq, hash: Buffer.from(journal.get(approval.seq)!.hash).toString('hex') });
    expect(indicators.beeps).toEqual(['scan', 'scan', 'scan', 'approved']);
    expect(indicators.kicks).toBe(1);
    expect(counter.current.isEmpty).toBe(true);
    journal.close();
  });

  it('refuses to take too little cash or pay for nothing, and writes nothing', () => {
    const { journal, counter } = setup();
    expect(() => counter.payCash(100)).toThrow(CounterError);
    counter.scanned('6923450657713');
    expect(() => counter.payCash(300)).toThrow(/less than the total 350/);
    expect(() => counter.payCash(3.5)).toThrow(/whole number/);
    expect(journal.headSeq).toBe(0);
    expect(counter.current.total).toBe(350);
    journal.close();
  });

  it('rejects codes it cannot take without ever repeating a payment code', () => {
    const { journal, counter, indicators } = setup();
    const reasons: string[] = [];
    counter.on('rejected', (r) => reasons.push(r));
    counter.scanned('134567890123456789');
    counter.scanned('6901234567893');
    counter.scanned('9780201379624');
    counter.scanned('hello');
    expect(reasons[0]).toMatch(/a payment code is not set up on this terminal/);
    expect(reasons.join(' ')).not.toContain('134567890123456789');
    expect(reasons[1]).toMatch(/check digit/);
    expect(reasons[2]).toMatch(/not in the catalog/);
    expect(reasons[3]).toMatch(/not a code this counter takes/);
    expect(indicators.beeps).toEqual(['declined', 'declined', 'declined', 'declined']);
    expect(counter.current.isEmpty).toBe(true);
    journal.close();
  });

  it('keeps the sale approved when the receipt cannot be printed', async () => {
    const { journal, printer, counter, after } = setup();
    printer.fail = true;
    counter.scanned('4006381333931');
    const failed = new Promise<[number, Error]>((resolve) => after.on('receiptFailed', (seq, err) => resolve([seq, err])));
    const approval = counter.payCash(150);
    const [seq, err] = await failed;
    expect(seq).toBe(approval.seq);
    expect(err.message).toBe('paper out');
    expect(journal.get(approval.seq)).toBeDefined();
    journal.close();
  });
});
