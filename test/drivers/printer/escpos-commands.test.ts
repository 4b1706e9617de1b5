import { describe, expect, it } from 'vitest';
import * as cmd from '../../../src/drivers/escpos/commands.js';
import { EscPosError } from '../../../src/drivers/escpos/errors.js';
import { qrCellSize, qrCode, qrDataBytes, qrErrorLevel, qrModel, qrPrint, qrStore, QR_MAX_DATA_BYTES } from '../../../src/drivers/escpos/qr.js';
import { barcode, barcodeData, barcodeModules, gtinCheckDigit } from '../../../src/drivers/escpos/barcode.js';
import { packBitmap, rasterImage } from '../../../src/drivers/escpos/raster.js';
import { encodeText, charColumns } from '../../../src/drivers/escpos/text-encoding.js';
import { fromHex, hex } from './hex.js';

const gb = { kind: 'gb18030' } as const;
const cp437 = { kind: 'codepage', codePage: 'cp437' } as const;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof EscPosError) return e.code;
    throw e;
  }
  return undefined;
}

describe('ESC/POS basic commands (golden bytes)', () => {
  it.each([
    ['initialize', cmd.initialize(), '1B 40'],
    ['print mode, nothing', cmd.printMode({}), '1B 21 00'],
    ['print mode, everything', cmd.printMode({ fontB: true, bold: true, doubleHeight: true, doubleWidth: true, underline: true }), '1B 21 B9'],
    ['size 1x1', cmd.characterSize(1, 1), '1D 21 00'],
    ['size 2x2', cmd.characterSize(2, 2), '1D 21 11'],
    ['size 3 wide 1 high', cmd.characterSize(3, 1), '1D 21 20'],
    ['size 1 wide 4 high', cmd.characterSize(1, 4), '1D 21 03'],
    ['size 8x8', cmd.characterSize(8, 8), '1D 21 77'],
    ['bold on', cmd.bold(true), '1B 45 01'],
    ['bold off', cmd.bold(false), '1B 45 00'],
    ['underline 2 dots', cmd.underline(2), '1B 2D 02'],
    ['Chinese underline', cmd.chineseUnderline(1), '1C 2D 01'],
    ['reverse on', cmd.reverse(true), '1D 42 01'],
    ['font A', cmd.font('A'), '1B 4D 00'],
    ['font B', cmd.font('B'), '1B 4D 01'],
    ['align left', cmd.align('left'), '1B 61 00'],
    ['align center', cmd.align('center'), '1B 61 01'],
    ['align right', cmd.align('right'), '1B 61 02'],
    ['code table PC437', cmd.codeTable(0), '1B 74 00'],
    ['code table PC858', cmd.codeTable(19), '1B 74 13'],
    ['international China', cmd.internationalSet(15), '1B 52 0F'],
    ['Chinese mode on', cmd.chineseMode(true), '1C 26'],
    ['Chinese mode off', cmd.chineseMode(false), '1C 2E'],
    ['line feed', cmd.lineFeed(), '0A'],
    ['feed 3 lines', cmd.feedLines(3), '1B 64 03'],
    ['feed 24 dots', cmd.feedDots(24), '1B 4A 18'],
    ['line spacing 30', cmd.lineSpacing(30), '1B 33 1E'],
    ['default line spacing', cmd.lineSpacing('default'), '1B 32'],
    ['full cut', cmd.cut('full'), '1D 56 00'],
    ['partial cut', cmd.cut('partial'), '1D 56 01'],
    ['feed then full cut', cmd.feedAndCut('full'), '1D 56 41 00'],
    ['feed 16 then partial cut', cmd.feedAndCut('partial', 16), '1D 56 42 10'],
    ['drawer pin 2, 100 ms on, 200 ms off', cmd.drawerPulse({ pin: 2, onMs: 100, offMs: 200 }), '1B 70 00 32 64'],
    ['drawer pin 5, 2 ms on, 510 ms off', cmd.drawerPulse({ pin: 5, onMs: 2, offMs: 510 }), '1B 70 01 01 FF'],
    ['drawer default pin', cmd.drawerPulse({ onMs: 50, offMs: 500 }), '1B 70 00 19 FA'],
    ['DLE EOT 1', cmd.realTimeStatus(1), '10 04 01'],
    ['DLE EOT 2', cmd.realTimeStatus(2), '10 04 02'],
    ['DLE EOT 3', cmd.realTimeStatus(3), '10 04 03'],
    ['DLE EOT 4', cmd.realTimeStatus(4), '10 04 04'],
    ['ASB everything', cmd.automaticStatusBack(cmd.ALL_ASB_ITEMS), '1D 61 0F'],
    ['ASB paper only', cmd.automaticStatusBack({ paperSensor: true }), '1D 61 08'],
    ['ASB off', cmd.automaticStatusBack({}), '1D 61 00'],
    ['GS r 1 (completion fence)', cmd.transmitPaperStatus(), '1D 72 01'],
  ])('%s', (_name, bytes, expected) => {
    expect(hex(bytes)).toBe(expected);
  });

  it('a drawer pulse is always five bytes', () => {
    for (const onMs of [2, 100, 254, 510]) expect(cmd.drawerPulse({ onMs, offMs: 510 })).toHaveLength(5);
  });

  it.each([
    ['size 0', () => cmd.characterSize(0, 1)],
    ['size 9', () => cmd.characterSize(1, 9)],
    ['size 1.5', () => cmd.characterSize(1.5, 1)],
    ['underline 3', () => cmd.underline(3 as 2)],
    ['align middle', () => cmd.align('middle' as 'center')],
    ['font C', () => cmd.font('C' as 'A')],
    ['feed 256 lines', () => cmd.feedLines(256)],
    ['pulse 0 ms', () => cmd.drawerPulse({ onMs: 0, offMs: 100 })],
    ['pulse of an odd ms count', () => cmd.drawerPulse({ onMs: 101, offMs: 200 })],
    ['pulse 512 ms', () => cmd.drawerPulse({ onMs: 512, offMs: 512 })],
    ['off shorter than on', () => cmd.drawerPulse({ onMs: 200, offMs: 100 })],
    ['pin 3', () => cmd.drawerPulse({ pin: 3 as 2, onMs: 100, offMs: 200 })],
    ['DLE EOT 5', () => cmd.realTimeStatus(5 as 4)],
    ['cut sideways', () => cmd.cut('sideways' as 'full')],
  ])('rejects %s with bad_argument', (_name, fn) => {
    expect(codeOf(fn)).toBe('bad_argument');
  });
});

describe('QR (GS ( k)', () => {
  it.each([
    ['model 2', qrModel(2), '1D 28 6B 04 00 31 41 32 00'],
    ['model 1', qrModel(1), '1D 28 6B 04 00 31 41 31 00'],
    ['cell size 6', qrCellSize(6), '1D 28 6B 03 00 31 43 06'],
    ['error level L', qrErrorLevel('L'), '1D 28 6B 03 00 31 45 30'],
    ['error level M', qrErrorLevel('M'), '1D 28 6B 03 00 31 45 31'],
    ['error level H', qrErrorLevel('H'), '1D 28 6B 03 00 31 45 33'],
    ['store ABC', qrStore(qrDataBytes('ABC')), '1D 28 6B 06 00 31 50 30 41 42 43'],
    ['print', qrPrint(), '1D 28 6B 03 00 31 51 30'],
  ])('%s', (_name, bytes, expected) => {
    expect(hex(bytes)).toBe(expected);
  });

  it('counts the ENCODED bytes of Chinese data in pL pH (not the JS string length)', () => {
    // '付款' is 2 UTF-16 units but 6 UTF-8 bytes: pL = 6 + 3 = 9. The peer bug would send 5.
    expect(hex(qrStore(qrDataBytes('付款')))).toBe('1D 28 6B 09 00 31 50 30 E4 BB 98 E6 AC BE');
    const text = '付'.repeat(100); // 300 bytes: pL pH = 303 = 0x012F
    const store = qrStore(qrDataBytes(text));
    expect(hex(store.subarray(0, 8))).toBe('1D 28 6B 2F 01 31 50 30');
    expect(store.length).toBe(8 + 300);
    const emoji = qrStore(qrDataBytes('ok 😀')); // 3 + 4 bytes
    expect(hex(emoji.subarray(3, 5))).toBe('0A 00');
  });

  it('emits model, cell size, error level, store and print in that order', () => {
    expect(hex(qrCode('pay 付', { cellSize: 4, errorLevel: 'Q' }))).toBe(
      '1D 28 6B 04 00 31 41 32 00 ' +
        '1D 28 6B 03 00 31 43 04 ' +
        '1D 28 6B 03 00 31 45 32 ' +
        '1D 28 6B 0A 00 31 50 30 70 61 79 20 E4 BB 98 ' +
        '1D 28 6B 03 00 31 51 30',
    );
  });

  it('passes raw bytes through unchanged', () => {
    expect(hex(qrStore(Uint8Array.of(0x00, 0xff)))).toBe('1D 28 6B 05 00 31 50 30 00 FF');
  });

  it('refuses empty, oversized and broken data', () => {
    expect(codeOf(() => qrStore(new Uint8Array(0)))).toBe('bad_argument');
    expect(codeOf(() => qrStore(new Uint8Array(QR_MAX_DATA_BYTES + 1)))).toBe('too_long');
    expect(qrStore(new Uint8Array(QR_MAX_DATA_BYTES))).toHaveLength(QR_MAX_DATA_BYTES + 8);
    expect(codeOf(() => qrDataBytes('bad \ud800 surrogate'))).toBe('bad_argument');
    expect(codeOf(() => qrCellSize(17))).toBe('bad_argument');
    expect(codeOf(() => qrErrorLevel('X' as 'L'))).toBe('bad_argument');
  });
});

describe('barcodes (GS k)', () => {
  it.each([
    ['EAN-13 from 12 digits', barcodeData('EAN13', '400638133393'), '1D 6B 43 0C 34 30 30 36 33 38 31 33 33 33 39 33'],
    ['EAN-13 with its check digit', barcodeData('EAN13', '4006381333931'), '1D 6B 43 0C 34 30 30 36 33 38 31 33 33 33 39 33'],
    ['EAN-8', barcodeData('EAN8', '96385074'), '1D 6B 44 07 39 36 33 38 35 30 37'],
    ['UPC-A', barcodeData('UPCA', '036000291452'), '1D 6B 41 0B 30 33 36 30 30 30 32 39 31 34 35'],
    ['CODE128 text (set B)', barcodeData('CODE128', 'ORDER-1234'), '1D 6B 49 0C 7B 42 4F 52 44 45 52 2D 31 32 33 34'],
    ['CODE128 digit pairs (set C)', barcodeData('CODE128', '123456'), '1D 6B 49 05 7B 43 0C 22 38'],
    ['CODE128 literal brace', barcodeData('CODE128', 'a{b', 'B'), '1D 6B 49 06 7B 42 61 7B 7B 62'],
    ['CODE128 set A', barcodeData('CODE128', 'AB', 'A'), '1D 6B 49 04 7B 41 41 42'],
  ])('%s', (_name, bytes, expected) => {
    expect(hex(bytes)).toBe(expected);
  });

  it('sets height, module width, HRI position and font before the symbol', () => {
    expect(hex(barcode('EAN8', '9638507', { height: 80, moduleWidth: 2, hri: 'below' }))).toBe(
      '1D 68 50 1D 77 02 1D 48 02 1D 66 00 1D 6B 44 07 39 36 33 38 35 30 37',
    );
    expect(hex(barcode('EAN8', '9638507', { hri: 'both', hriFont: 'B' }).subarray(6, 12))).toBe('1D 48 03 1D 66 01');
  });

  it('computes GS1 check digits and symbol widths', () => {
    expect(gtinCheckDigit('400638133393')).toBe(1);
    expect(gtinCheckDigit('9638507')).toBe(4);
    expect(gtinCheckDigit('03600029145')).toBe(2);
    expect(barcodeModules('EAN13', '400638133393')).toBe(95);
    expect(barcodeModules('EAN8', '9638507')).toBe(67);
    expect(barcodeModules('CODE128', 'ORDER-1234')).toBe(11 * 12 + 13);
    expect(barcodeModules('CODE128', '123456')).toBe(11 * 5 + 13);
  });

  it.each([
    ['EAN-13 with a wrong check digit', () => barcodeData('EAN13', '4006381333932')],
    ['EAN-13 too short', () => barcodeData('EAN13', '40063813339')],
    ['EAN-8 with letters', () => barcodeData('EAN8', '96385A7')],
    ['UPC-A of 13 digits', () => barcodeData('UPCA', '0360002914521')],
    ['CODE128 set C, odd digits', () => barcodeData('CODE128', '12345', 'C')],
    ['CODE128 set B, Chinese', () => barcodeData('CODE128', '订单', 'B')],
    ['CODE128 set A, lower case', () => barcodeData('CODE128', 'abc', 'A')],
    ['CODE128 empty', () => barcodeData('CODE128', '')],
  ])('rejects %s', (_name, fn) => {
    expect(codeOf(fn)).toBe('bad_barcode_data');
  });

  it('refuses CODE128 data longer than GS k can carry', () => {
    expect(codeOf(() => barcodeData('CODE128', 'x'.repeat(254), 'B'))).toBe('too_long');
  });
});

describe('raster images (GS v 0)', () => {
  it('packs a 1-bit bitmap MSB first and frames it', () => {
    const bitmap = packBitmap(10, 2, (x, y) => x === 0 || x === 9 || y === 1);
    expect(hex(bitmap.data)).toBe('80 40 FF C0');
    const bands = rasterImage(bitmap);
    expect(bands.map(hex)).toEqual(['1D 76 30 00 02 00 02 00 80 40 FF C0']);
    expect(hex(rasterImage(bitmap, 'quadruple')[0]!.subarray(0, 4))).toBe('1D 76 30 03');
  });

  it('splits tall images into bands', () => {
    const bitmap = packBitmap(16, 300, () => true);
    const bands = rasterImage(bitmap, 'normal', 256);
    expect(bands.map((b) => hex(b.subarray(0, 8)))).toEqual(['1D 76 30 00 02 00 00 01', '1D 76 30 00 02 00 2C 00']);
    expect(bands[0]!.length).toBe(8 + 2 * 256);
    expect(bands[1]!.length).toBe(8 + 2 * 44);
  });

  it('rejects a bitmap whose data does not match its size', () => {
    expect(codeOf(() => rasterImage({ width: 10, height: 2, data: new Uint8Array(3) }))).toBe('bad_image');
    expect(codeOf(() => rasterImage({ width: 0, height: 2, data: new Uint8Array(0) }))).toBe('bad_image');
  });
});

describe('text encoding', () => {
  it('encodes Chinese as GB18030 and ASCII as itself', () => {
    expect(hex(encodeText('中文 ok', gb))).toBe('D6 D0 CE C4 20 6F 6B');
    expect(hex(encodeText('重印', gb))).toBe('D6 D8 D3 A1');
    expect(hex(encodeText('€', gb))).toBe('A2 E3');
    expect(hex(encodeText('😀', gb))).toBe('94 39 FC 36'); // four-byte GB18030: 0x90308130 + (0x1F600 - 0x10000)
  });

  it('encodes a code page and refuses what it cannot print', () => {
    expect(hex(encodeText('Café ¥', cp437))).toBe('43 61 66 82 20 9D');
    expect(hex(encodeText('e\u0301', cp437))).toBe('82'); // NFC first
    expect(codeOf(() => encodeText('Tea 茶', cp437))).toBe('unencodable_text');
    expect(hex(encodeText('Tea 茶', cp437, 'replace'))).toBe('54 65 61 20 3F');
  });

  it('refuses control characters that would be read as commands', () => {
    for (const text of ['a\x1bb', 'x\x10\x04\x01', 'line\nbreak', 'tab\t', 'nul\0', 'c1 \u0085']) {
      expect(codeOf(() => encodeText(text, gb))).toBe('control_character');
      expect(codeOf(() => encodeText(text, cp437))).toBe('control_character');
    }
    expect(codeOf(() => encodeText('half \ud83d', gb))).toBe('control_character');
  });

  it('counts columns as the printer does', () => {
    expect(charColumns(0x41, gb)).toBe(1);
    expect(charColumns(0x4e2d, gb)).toBe(2); // 中
    expect(charColumns(0xff21, gb)).toBe(2); // fullwidth Ａ
    expect(charColumns(0xac00, gb)).toBe(2); // 가
    expect(charColumns(0xe9, gb)).toBe(2); // é: a GB18030 double-byte code, printed in a Kanji cell
    expect(charColumns(0xe9, cp437)).toBe(1);
  });

  it('hex helper round-trips', () => {
    expect(hex(fromHex('1b 40'))).toBe('1B 40');
  });
});
