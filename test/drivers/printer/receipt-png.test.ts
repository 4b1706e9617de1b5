import { describe, expect, it } from 'vitest';
import { renderReceiptBytes } from '../../../src/drivers/escpos/layout.js';
import { GENERIC_58_ZH, GENERIC_80_ZH } from '../../../src/drivers/escpos/profiles.js';
import type { Receipt } from '../../../src/drivers/escpos/receipt.js';
import { renderEscPos } from '../../../hw-sim/printer/render.js';
import { until } from '../../support/wait.js';
import { cropPng, decodeQrFromPng } from '../../hw-sim/printer/qr-decode.js';
import { simRig } from './rig.js';

const PAYLOAD = '付款码 https://pay.example/o/42?amt=¥37.50&shop=示例面馆 ✓';

const receipt: Receipt = {
  blocks: [
    { kind: 'text', text: '示例面馆', align: 'center', bold: true, width: 2, height: 2 },
    { kind: 'row', left: '牛肉面', right: '28.00' },
    { kind: 'row', left: '合计', right: '37.50', bold: true },
    { kind: 'text', text: '扫码付款 Scan to pay', align: 'center' },
    { kind: 'qr', data: PAYLOAD },
    { kind: 'barcode', symbology: 'CODE128', data: 'ORDER-42' },
    { kind: 'cut' },
  ],
};

describe('a Chinese receipt with a QR code, printed by the driver and read back from the twin’s PNG', () => {
  for (const profile of [GENERIC_58_ZH, GENERIC_80_ZH]) {
    it(`decodes the QR to the exact original text (${profile.id})`, async () => {
      const rig = await simRig(profile);
      try {
        await until(() => rig.printer.health().detail.condition === 'ok', 'ready');
        await rig.printer.print(receipt).done;
        expect(rig.twin.text().split('\n')).toContain(`[[QR ${JSON.stringify(PAYLOAD)}]]`);
        const drawn = rig.twin.png();
        expect(drawn.width).toBe(profile.dotsPerLine);
        expect(drawn.warnings).toEqual([]);
        const decoded = decodeQrFromPng(drawn.png);
        expect(decoded?.text).toBe(PAYLOAD);
        expect(Buffer.from(decoded!.bytes).equals(Buffer.from(PAYLOAD, 'utf8'))).toBe(true);
      } finally {
        await rig.close();
      }
    });
  }

  it('renders a byte file as text and PNG (hw-sim render)', () => {
    const result = renderEscPos(renderReceiptBytes(receipt, GENERIC_58_ZH));
    expect(result.text.split('\n')).toEqual([
      ' '.repeat(8) + '示例面馆', // 8 columns at double width = 16 of 32: 8 to the left
      '牛肉面 ' + '.'.repeat(19) + ' 28.00',
      '合计 ' + '.'.repeat(21) + ' 37.50',
      ' '.repeat(6) + '扫码付款 Scan to pay',
      `[[QR ${JSON.stringify(PAYLOAD)}]]`,
      '[[BARCODE CODE128 ORDER-42]]',
      '[[CUT partial]]',
    ]);
    expect(result.warnings).toEqual([]);
    expect(decodeQrFromPng(result.png!)?.text).toBe(PAYLOAD);
  });

  it('falls back to solid boxes without the font, says so, and the QR still reads', () => {
    const result = renderEscPos(renderReceiptBytes(receipt, GENERIC_58_ZH), { fontPath: '/nonexistent/unifont.hex' });
    expect(result.warnings).toEqual(['GNU Unifont not found at /nonexistent/unifont.hex (Debian package unifont): glyphs drawn as solid boxes']);
    expect(decodeQrFromPng(result.png!)?.text).toBe(PAYLOAD);
  });

  it('reads each of two QR codes on one receipt', () => {
    const two: Receipt = { blocks: [{ kind: 'qr', data: '第一 one' }, { kind: 'text', text: '-' }, { kind: 'qr', data: '第二 two' }] };
    const { png } = renderEscPos(renderReceiptBytes(two, GENERIC_58_ZH));
    const decodedTop = decodeQrFromPng(cropPng(png!, 0, 200));
    const decodedBottom = decodeQrFromPng(cropPng(png!, 200, 200));
    expect([decodedTop?.text, decodedBottom?.text]).toEqual(['第一 one', '第二 two']);
  });
});
