import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderReceiptBytes } from '../../src/drivers/escpos/layout.js';
import { GENERIC_58_ZH } from '../../src/drivers/escpos/profiles.js';
import { receiptDocument } from '../../src/app/adapters/escpos-receipts.js';
import { decodeQrFromPng } from './printer/qr-decode.js';
import { tempDir } from '../support/tmp.js';

const run = promisify(execFile);

describe('hw-sim render', () => {
  it('prints a captured receipt on the twin: Chinese text in the text file, the QR readable from the PNG', async () => {
    const dir = tempDir();
    const qr = 'POSD1:0123456789abcdef:42:' + 'ab'.repeat(32);
    const bytes = renderReceiptBytes(
      receiptDocument({
        header: ['街角小店 Corner Shop'],
        items: [{ text: '绿茶 Green tea', amount: '3.50' }],
        totals: [{ label: '合计 TOTAL', amount: '3.50', emphasis: true }],
        footer: ['谢谢 Thank you'],
        qr,
      }),
      GENERIC_58_ZH,
    );
    const input = join(dir, 'capture.bin');
    writeFileSync(input, bytes);
    await run(process.execPath, [join(process.cwd(), 'dist/hw-sim/bin/hw-sim.js'), 'render', input, '--text', join(dir, 'out.txt'), '--png', join(dir, 'out.png')]);
    const text = readFileSync(join(dir, 'out.txt'), 'utf8');
    expect(text).toContain('街角小店 Corner Shop');
    expect(text).toMatch(/绿茶 Green tea \.+ 3\.50/);
    expect(text).toContain('[[CUT');
    expect(decodeQrFromPng(readFileSync(join(dir, 'out.png')))?.text).toBe(qr);
  });

  it('exits 2 for a file it cannot read', async () => {
    const err = await run(process.execPath, [join(process.cwd(), 'dist/hw-sim/bin/hw-sim.js'), 'render', '/nonexistent']).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read') });
  });
});
