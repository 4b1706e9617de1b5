import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assemble, type PosTerminal } from '../../src/app/index.js';
import { toHex } from '../../src/encoding/hex.js';
import { verifyReceiptQr } from '../../src/protocol/receipt-qr.js';
import { DEMO_PRODUCTS } from '../../hw-sim/demo/shelf.js';
import { startSimulatedTerminal, type SimulatedTerminal } from '../../hw-sim/terminal/simulated-terminal.js';
import { enrolledDataDir } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

async function counter(): Promise<{ pos: PosTerminal; sim: SimulatedTerminal<'printer'>; dataDir: string }> {
  const sim = await startSimulatedTerminal({ twins: ['printer'] });
  running.push({ stop: () => sim.close() });
  const dataDir = enrolledDataDir(sim.acquirer!, tempDir());
  const pos = await assemble(
    { dataDir, merchant: { name: 'Corner Shop', city: 'Hangzhou' }, acquirer: { url: sim.acquirer!.url, publicKey: toHex(sim.acquirer!.publicKey) }, devices: { printer: sim.devices.printer } },
    { env: sim.env, products: DEMO_PRODUCTS },
  );
  running.push(pos);
  await until(() => pos.deviceHealth().printer?.state === 'ready', 'printer ready', 10_000);
  return { pos, sim, dataDir };
}

function printedReceipts(pos: PosTerminal): () => number {
  let n = 0;
  pos.events.on('receipt.printed', () => n++);
  return () => n;
}

function savePng(png: Buffer, name: string): void {
  const file = join(tempDir(), name);
  writeFileSync(file, png);
  if (process.env.POSD_LOOK_DIR) {
    mkdirSync(process.env.POSD_LOOK_DIR, { recursive: true });
    copyFileSync(file, join(process.env.POSD_LOOK_DIR, name));
  }
}

describe('the facade: receipts and end-of-day reports', () => {
  it('reprints the last receipt or any by seq, marked as a reprint, with the same verifiable QR', async () => {
    const { pos, sim } = await counter();
    const printed = printedReceipts(pos);
    const paid = pos.payments.create({ idempotencyKey: 'sale-1', amount: 350, asset: 'CNY', method: 'cash', tendered: 500, items: [{ name: '绿茶 Green tea', unitPrice: 350, quantity: 1 }] });
    await until(() => printed() === 1, 'receipt printed');
    expect(pos.receipts.last()).toBe(paid.seq);
    expect(await pos.receipts.reprint()).toBe(paid.seq);
    await pos.payments.reprint(paid.id);
    const copies = sim.twins.printer.text().split('[[CUT partial]]');
    expect(copies[0]).not.toContain('REPRINT');
    expect(copies[1]).toContain('*** 重印 REPRINT ***');
    expect(copies[2]).toContain('*** 重印 REPRINT ***');
    expect(verifyReceiptQr(pos.receipts.qr(paid.seq!)!, { publicKey: Buffer.from(pos.publicKey, 'hex') }).statement.seq).toBe(paid.seq);
    expect(pos.receipts.content(paid.seq!, { copies: 'both' }).map((r) => r.titles)).toEqual([
      ['销售小票 SALES RECEIPT', '顾客联 CUSTOMER COPY'],
      ['销售小票 SALES RECEIPT', '商户联 MERCHANT COPY'],
    ]);
    await expect(pos.receipts.reprint(0)).rejects.toMatchObject({ code: 'no_receipt' });
  });

  it('X then Z: totals by asset and method, refused during a payment, printed, then settled; the next Z continues the number', async () => {
    const { pos, sim } = await counter();
    const printed = printedReceipts(pos);
    const a = pos.payments.create({ idempotencyKey: 'sale-a', amount: 1000, asset: 'CNY', method: 'cash', tendered: 1000 });
    pos.payments.create({ idempotencyKey: 'sale-b', amount: 250, asset: 'MAT', method: 'cash', tendered: 250 });
    await until(() => printed() === 2, 'sales printed');

    const x = pos.reports.x();
    expect(x).toMatchObject({ type: 'X', z: 1, records: 2 });
    expect(x.tenders).toEqual({ CNY: { cash: { payment: { n: 1, amount: 1000 } } }, MAT: { cash: { payment: { n: 1, amount: 250 } } } });
    await pos.reports.print(x);

    const waiting = pos.payments.create({ idempotencyKey: 'sale-c', amount: 500, asset: 'CNY', method: 'cash' });
    expect(() => pos.reports.z()).toThrow(expect.objectContaining({ code: 'busy' }));
    pos.payments.cancel(waiting.id);

    const z = pos.reports.z();
    expect(z).toMatchObject({ type: 'Z', z: 1, from: 0, records: 2, totals: x.totals, tenders: x.tenders });
    expect(z.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await pos.reports.print(z);
    await until(() => (pos.settlement!.status().counters?.settledThrough ?? -1) >= z.checkpointSeq!, 'settled after the Z', 15_000);

    expect(pos.reports.x()).toMatchObject({ z: 2, records: 0 });
    expect(pos.reports.z({ day: '2026-11-25' })).toMatchObject({ z: 2, day: '2026-11-25', from: z.through + 1 });
    expect(a.seq).toBe(1);

    const paper = sim.twins.printer.text();
    expect(paper).toContain('X 报表 X REPORT');
    expect(paper).toContain('Z 报表 Z REPORT');
    expect(paper).toContain('Z-0001');
    expect(paper).toMatch(/现金 Cash \(1\)\s*\.*\s*10\.00/);
    savePng(sim.twins.printer.png().png, 'x-and-z-reports-58.png');
  });
});
