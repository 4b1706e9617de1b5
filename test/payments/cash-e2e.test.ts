import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assemble, type PosTerminal } from '../../src/app/index.js';
import { toHex } from '../../src/encoding/hex.js';
import type { Payment } from '../../src/payments/payment.js';
import type { SignedRecord } from '../../src/protocol/record.js';
import { demoCatalogCsv } from '../../hw-sim/demo/shelf.js';
import { startSimulatedTerminal, type SimulatedTerminal } from '../../hw-sim/terminal/simulated-terminal.js';
import { Journal } from '../../src/terminal/ledger/journal.js';
import { enrolledDataDir } from '../support/acquirer.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.stop();
});

async function counter(): Promise<{ pos: PosTerminal; sim: SimulatedTerminal; dataDir: string }> {
  const sim = await startSimulatedTerminal({ scanner: { mode: 'serial' } });
  running.push({ stop: () => sim.close() });
  const dataDir = enrolledDataDir(sim.acquirer!, tempDir());
  writeFileSync(join(dataDir, 'catalog.csv'), demoCatalogCsv());
  const pos = await assemble({ dataDir, merchant: { name: '街角小店 Corner Shop', city: '杭州 Hangzhou' }, acquirer: { url: sim.acquirer!.url, publicKey: toHex(sim.acquirer!.publicKey) }, devices: sim.devices }, { env: sim.env });
  running.push(pos);
  await until(() => Object.values(pos.deviceHealth()).every((h) => h.state === 'ready'), 'devices ready', 10_000);
  return { pos, sim, dataDir };
}

describe('cash through the real drivers on the twins', () => {
  it('rings up scans, takes cash with change, pulses the drawer, prints the receipt, then settles', async () => {
    const { pos, sim, dataDir } = await counter();
    const items: number[] = [];
    pos.events.on('sale.item', ({ total }) => items.push(total));
    for (const gtin of ['6901234567892', '6954767410173', '6901234567892']) await sim.twins.scanner.scan(gtin);
    await until(() => items.length === 3, 'three items rung up');
    expect(pos.sale.current().total).toBe(850);

    const printed = new Promise<number>((resolve) => pos.events.once('receipt.printed', ({ seq }) => resolve(seq)));
    const states: string[] = [];
    pos.events.on('payment.updated', (p: Payment) => states.push(p.state));
    const kicksBefore = sim.twins.gpio.drawer!.kicks;
    const approval = pos.sale.payCash(2000);
    // Approved only with the record on disk: another reader sees it at once.
    const reader = Journal.open(dataDir, { readOnly: true });
    const record = JSON.parse(reader.get(approval.seq)!.text) as SignedRecord;
    reader.close();
    expect(record).toMatchObject({ kind: 'payment', body: { amount: 850, tender: 'cash', details: { tendered: 2000, change: 1150, items: 3 } } });
    expect(approval).toMatchObject({ total: 850, change: 1150 });
    expect(states).toEqual(['created', 'waiting_for_customer', 'succeeded']);
    expect(pos.sale.current().isEmpty).toBe(true);

    expect(await printed).toBe(approval.seq);
    const paper = sim.twins.printer.text();
    expect(paper).toContain('找零 Change');
    expect(paper).toContain('11.50');
    await until(() => sim.twins.gpio.drawer!.kicks > kicksBefore, 'the drawer relay pulsed');
    await until(() => sim.twins.gpio.drawer!.isOpen, 'the drawer opened');

    const settled = await pos.settlement!.settleNow(3);
    expect(settled.settledThrough).toBeGreaterThan(approval.seq);
    expect(sim.acquirer!.heldRecords(pos.id).find((r) => r.seq === approval.seq)).toMatchObject({ status: 'accepted', amount: 850 });
  });

  it('refuses too little cash and writes nothing; the same sale then pays with enough', async () => {
    const { pos, sim } = await counter();
    const items: number[] = [];
    pos.events.on('sale.item', ({ total }) => items.push(total));
    await sim.twins.scanner.scan('6923450657713');
    await until(() => items.length === 1, 'rung up');
    const head = pos.status().headSeq;
    expect(() => pos.sale.payCash(300)).toThrow(/less than the total 350/);
    expect(pos.status().headSeq).toBe(head);
    expect(pos.sale.payCash(500)).toMatchObject({ total: 350, change: 150 });
  });
});
