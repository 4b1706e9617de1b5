import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { assemble } from '../../src/app/index.js';
import { LOCK_FILE } from '../../src/app/writer-lock.js';
import { verifyReceiptQr } from '../../src/protocol/receipt-qr.js';
import { startSimulatedTerminal } from '../../hw-sim/terminal/simulated-terminal.js';
import { tempDir } from '../support/tmp.js';
import { until } from '../support/wait.js';
import { posctl } from '../support/posctl.js';

const BIN = (path: string): string => join(process.cwd(), 'dist', path);


const children: ChildProcess[] = [];
afterEach(() => {
  while (children.length) children.pop()!.kill('SIGKILL');
});

/** A data directory with two cash sales (CNY and MAT) and a refund, made through the app. */
async function shopWithSales(): Promise<{ dataDir: string; config: string; seqs: number[] }> {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  const pos = await assemble({ dataDir, merchant: { name: 'Corner Shop' }, devices: {} }, { products: [] });
  const a = pos.payments.create({ idempotencyKey: 'a', amount: 1000, asset: 'CNY', method: 'cash', tendered: 1000 });
  const b = pos.payments.create({ idempotencyKey: 'b', amount: 250, asset: 'MAT', method: 'cash', tendered: 300 });
  await pos.stop();
  const config = join(dir, 'posd.json');
  writeFileSync(config, JSON.stringify({ dataDir, merchant: { name: 'Corner Shop' }, devices: {} }));
  return { dataDir, config, seqs: [a.seq!, b.seq!] };
}

async function startPosd(config: string): Promise<ChildProcess> {
  const posd = spawn(process.execPath, [BIN('src/bin/posd.js'), '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(posd);
  for await (const line of createInterface({ input: posd.stdout! })) {
    if ((JSON.parse(line) as { msg?: string }).msg === 'posd running') return posd;
  }
  throw new Error('posd ended before it was running');
}

describe('posctl report x | z', () => {
  it('X reads while posd runs; Z is refused while posd is the journal writer, and works once it stopped; the Z number continues', async () => {
    const { dataDir, config } = await shopWithSales();
    const posd = await startPosd(config);

    const x = await posctl('report', 'x', '--data-dir', dataDir, '--json');
    expect(x.code, x.stderr).toBe(0);
    expect(JSON.parse(x.stdout)).toMatchObject({ type: 'X', z: 1, records: 2, tenders: { CNY: { cash: { payment: { n: 1, amount: 1000 } } }, MAT: { cash: { payment: { n: 1, amount: 250 } } } } });
    const xText = await posctl('report', 'x', '--config', config);
    expect(xText.stdout).toContain('X report (running totals, nothing reset; the next Z is Z-1)');
    expect(xText.stdout).toContain('CNY: sales 1 10.00, refunds 0 0.00, voids 0 0.00; net 10.00 CNY');
    expect(xText.stdout).toContain('    cash: sales 1 10.00');

    const refused = await posctl('report', 'z', '--config', config);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/posd\.js \(pid \d+\) is running on this data directory and is the journal's only writer: close the day from the posd console or its local API/);
    expect((await posctl('report', 'z', '--data-dir', dataDir)).code).toBe(1);
    expect((await posctl('receipt', 'print', '--data-dir', dataDir)).code).toBe(1);

    posd.kill('SIGTERM');
    await new Promise((r) => posd.once('exit', r));
    const z1 = await posctl('report', 'z', '--config', config, '--day', '2026-11-24', '--json');
    expect(z1.code, z1.stderr).toBe(0);
    expect(JSON.parse(z1.stdout)).toMatchObject({ type: 'Z', z: 1, day: '2026-11-24', records: 2, printed: 'no printer', settlement: 'no acquirer configured' });
    const z2 = await posctl('report', 'z', '--data-dir', dataDir);
    expect(z2.code, z2.stderr).toBe(0);
    expect(z2.stdout).toMatch(/^Z report Z-2, business day \d{4}-\d{2}-\d{2}: terminal [0-9a-f]{16}/);
    expect(z2.stdout).toContain('no transactions');
    expect((await posctl('report', 'z', '--data-dir', dataDir, '--day', '2026-02-30')).code).toBe(2);
    expect((await posctl('report', 'z')).code).toBe(2);

    const exported = join(tempDir(), 'journal.jsonl');
    expect((await posctl('journal', 'export', '--data-dir', dataDir, '--out', exported)).code).toBe(0);
    const verified = await posctl('journal', 'verify', exported, '--json');
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, summary: { checkpoints: 2 } });
  });

  it('takes over the lock of a posd that died without releasing it', async () => {
    const { dataDir } = await shopWithSales();
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const dead = spawn(process.execPath, ['-e', '0']);
    const deadPid = dead.pid!;
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: deadPid, boot, program: 'posd.js', since: 1, token: 'stale' }));
    const z = await posctl('report', 'z', '--data-dir', dataDir, '--json');
    expect(z.code, z.stderr).toBe(0);
    expect(JSON.parse(z.stdout)).toMatchObject({ z: 1 });
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: process.pid, boot: 'another-boot', program: 'posd.js', since: 1, token: 'old-boot' }));
    expect((await posctl('report', 'z', '--data-dir', dataDir)).code).toBe(0);
  });
});

describe('posctl receipt print', () => {
  it('reprints a receipt by seq on the configured printer, marked as a reprint', async () => {
    const { dataDir, seqs } = await shopWithSales();
    const sim = await startSimulatedTerminal({ twins: ['printer'], transport: 'pty', acquirer: false });
    try {
      const config = join(tempDir(), 'posd.json');
      writeFileSync(config, JSON.stringify({ dataDir, merchant: { name: 'Corner Shop' }, devices: { printer: sim.devices.printer } }));
      const res = await posctl('receipt', 'print', '--config', config, '--seq', String(seqs[1]));
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain(`printed the receipt of record ${seqs[1]} again, marked as a reprint`);
      await until(() => sim.twins.printer.text().includes('[[CUT'), 'on paper');
      const paper = sim.twins.printer.text();
      expect(paper).toContain('*** 重印 REPRINT ***');
      expect(paper).toMatch(/合计 TOTAL MAT\s+2\.50/);
      const qr = /\[\[QR "([^"]+)"\]\]/.exec(paper)![1]!;
      expect(verifyReceiptQr(qr).statement).toMatchObject({ seq: seqs[1], asset: 'MAT', amount: 250 });
      expect((await posctl('receipt', 'print', '--config', config, '--seq', '0')).code).toBe(1);
      expect((await posctl('receipt', 'print', '--config', config, '--seq', 'x')).code).toBe(2);
    } finally {
      await sim.close();
    }
  });
});
