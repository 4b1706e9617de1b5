import { describe, expect, it } from 'vitest';
import { EscPosError } from '../../../src/drivers/escpos/errors.js';
import { renderReceipt, renderReceiptBytes } from '../../../src/drivers/escpos/layout.js';
import { GENERIC_58_ZH, GENERIC_80, GENERIC_80_ZH, profileById, type PrinterProfile } from '../../../src/drivers/escpos/profiles.js';
import { packBitmap } from '../../../src/drivers/escpos/raster.js';
import type { Receipt } from '../../../src/drivers/escpos/receipt.js';
import { textColumns } from '../../../src/drivers/escpos/text-encoding.js';
import { rowLines, separatorLine, wrapText } from '../../../src/drivers/escpos/wrap.js';
import { hex } from './hex.js';

const gb = { kind: 'gb18030' } as const;
const cp437 = { kind: 'codepage', codePage: 'cp437' } as const;
const cols = (s: string): number => textColumns(s, gb);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof EscPosError) return e.code;
    throw e;
  }
  return undefined;
}

describe('wrapping', () => {
  it('breaks Latin text at spaces and drops the space', () => {
    expect(wrapText('hello world foo', 11, cp437)).toEqual(['hello world', 'foo']);
    expect(wrapText('one two three four', 9, cp437)).toEqual(['one two', 'three', 'four']);
  });

  it('cuts a word longer than the line', () => {
    expect(wrapText('abcdefghijkl', 5, cp437)).toEqual(['abcde', 'fghij', 'kl']);
    expect(wrapText('to antidisestablishment', 8, cp437)).toEqual(['to', 'antidise', 'stablish', 'ment']);
  });

  it('breaks CJK between any two glyphs and never splits a wide glyph', () => {
    expect(wrapText('一二三四五六', 5, gb)).toEqual(['一二', '三四', '五六']);
    expect(wrapText('ab中文cd', 4, gb)).toEqual(['ab中', '文cd']);
    expect(wrapText('abc 中文', 5, gb)).toEqual(['abc', '中文']);
    expect(wrapText('abc中', 4, gb)).toEqual(['abc', '中']);
    for (const line of wrapText('这是一段很长的中文文字，用来测试自动换行。', 7, gb)) expect(cols(line)).toBeLessThanOrEqual(7);
  });

  it('keeps a line that fits exactly, and leading spaces', () => {
    expect(wrapText('x'.repeat(32), 32, cp437)).toEqual(['x'.repeat(32)]);
    expect(wrapText('中'.repeat(16), 32, gb)).toEqual(['中'.repeat(16)]);
    expect(wrapText('  indented', 32, cp437)).toEqual(['  indented']);
    expect(wrapText('', 32, cp437)).toEqual(['']);
  });

  it('refuses a glyph wider than the line', () => {
    expect(codeOf(() => wrapText('中', 1, gb))).toBe('too_wide');
  });
});

describe('two-column rows', () => {
  it('puts the amount flush right with a dot leader', () => {
    expect(rowLines('item', '12.50', 20, cp437)).toEqual(['item ......... 12.50']);
    expect(rowLines('item', '12.50', 20, cp437, ' ')).toEqual(['item           12.50']);
    const [line] = rowLines('牛肉面', '12.50', 32, gb);
    expect(line).toBe('牛肉面 ' + '.'.repeat(19) + ' 12.50');
    expect(cols(line!)).toBe(32);
  });

  it('wraps a long label left of the amount', () => {
    // 20 columns - 5 for the amount - 1 space: the label wraps at 14.
    expect(rowLines('Large beef noodle soup with extra egg', '28.00', 20, cp437)).toEqual(['Large beef', 'noodle soup', 'with extra egg 28.00']);
    expect(rowLines('Beef noodles', '28.00', 20, cp437)).toEqual(['Beef noodles . 28.00']);
  });

  it('puts an amount too wide to share a line on its own line', () => {
    expect(rowLines('x', '1234567890', 10, cp437)).toEqual(['x', '1234567890']);
  });

  it('refuses a leader that is not one one-column character', () => {
    expect(codeOf(() => rowLines('a', 'b', 10, gb, '·'))).toBe('bad_argument');
    expect(codeOf(() => rowLines('a', 'b', 10, gb, '..'))).toBe('bad_argument');
  });

  it('draws separators across the width, wide characters counted double', () => {
    expect(separatorLine('-', 32, gb)).toBe('-'.repeat(32));
    expect(separatorLine('─', 32, gb)).toBe('─'.repeat(16));
    expect(separatorLine('=', 48, cp437)).toBe('='.repeat(48));
  });
});

describe('receipt layout', () => {
  it('encodes a small receipt for the 58 mm Chinese printer (golden bytes)', () => {
    const receipt: Receipt = {
      blocks: [
        { kind: 'text', text: '中文', align: 'center', bold: true },
        { kind: 'row', left: 'A', right: '1.00' },
        { kind: 'cut' },
      ],
    };
    expect(hex(renderReceiptBytes(receipt, GENERIC_58_ZH))).toBe(
      [
        '1B 40 1C 26', // initialize, Chinese mode
        '1B 61 01 1B 45 01 D6 D0 CE C4 0A', // centered bold 中文
        '1B 61 00 1B 45 00 41 20 ' + Array(25).fill('2E').join(' ') + ' 20 31 2E 30 30 0A', // A ....... 1.00
        '1D 56 42 00', // feed to the cutter, partial cut
      ].join(' '),
    );
  });

  it('selects the code page instead of Chinese mode on a code-page printer', () => {
    expect(hex(renderReceiptBytes({ blocks: [{ kind: 'text', text: 'Café' }] }, GENERIC_80))).toBe('1B 40 1B 74 00 43 61 66 82 0A');
  });

  it('refuses Chinese text on a printer without Chinese support, with nothing half-done', () => {
    const receipt: Receipt = { blocks: [{ kind: 'text', text: 'Total' }, { kind: 'text', text: '合计 15.50' }] };
    expect(codeOf(() => renderReceipt(receipt, GENERIC_80))).toBe('unencodable_text');
    expect(hex(renderReceiptBytes(receipt, GENERIC_80, { unencodable: 'replace' })).endsWith('3F 3F 20 31 35 2E 35 30 0A')).toBe(true);
  });

  it('lays the same receipt out for 32 and 48 columns', () => {
    const receipt: Receipt = { blocks: [{ kind: 'separator' }, { kind: 'row', left: 'Tea 茶', right: '3.00' }] };
    const text = (profile: PrinterProfile): string[] =>
      renderReceipt(receipt, profile)
        .segments.slice(1)
        .map((s) => new TextDecoder('gb18030').decode(s.filter((b) => b >= 0x20 || b === 0x0a)).replace(/\n$/, ''));
    const [sep58, row58] = text(GENERIC_58_ZH);
    const [sep80, row80] = text(GENERIC_80_ZH);
    expect(sep58).toBe('-'.repeat(32));
    expect(sep80).toBe('-'.repeat(48));
    expect(cols(row58!)).toBe(32);
    expect(cols(row80!)).toBe(48);
    expect(row58!.startsWith('Tea 茶 ....')).toBe(true);
  });

  it('halves the columns for double-width text', () => {
    const segments = renderReceipt({ blocks: [{ kind: 'text', text: 'ABCDEFGHIJKLMNOPQRSTU', width: 2, height: 2 }] }, GENERIC_58_ZH).segments;
    expect(hex(segments[1]!.subarray(0, 3))).toBe('1D 21 11');
    const lines = segments.slice(1, 3).map((s) => String.fromCharCode(...s.filter((b) => b >= 0x41 && b <= 0x5a)));
    expect(lines).toEqual(['ABCDEFGHIJKLMNOP', 'QRSTU']);
    const wide = renderReceipt({ blocks: [{ kind: 'text', text: '中'.repeat(9), width: 2 }] }, GENERIC_58_ZH).segments;
    expect(wide.length).toBe(1 + 2 + 1); // prologue, 8 glyphs + 1 glyph, size reset
  });

  it('puts a QR code on the paper with a quiet zone, shrinking cells to fit', () => {
    const bytes = renderReceiptBytes({ blocks: [{ kind: 'qr', data: '付款 ok' }] }, GENERIC_58_ZH);
    expect(hex(bytes)).toBe(
      '1B 40 1C 26 1B 61 01 1B 4A 18 ' +
        '1D 28 6B 04 00 31 41 32 00 1D 28 6B 03 00 31 43 06 1D 28 6B 03 00 31 45 31 ' +
        '1D 28 6B 0C 00 31 50 30 E4 BB 98 E6 AC BE 20 6F 6B 1D 28 6B 03 00 31 51 30 ' +
        '1B 4A 18 1B 61 00',
    );
    const big = renderReceipt({ blocks: [{ kind: 'qr', data: 'x'.repeat(500) }] }, GENERIC_58_ZH).segments[1]!;
    const cell = big[big.indexOf(0x43) + 1]!; // fn167's parameter
    expect(cell).toBeLessThan(6);
    expect(cell).toBeGreaterThanOrEqual(1);
  });

  it('centres barcodes and images, narrowing bars to fit', () => {
    // 11 * 12 + 13 = 145 modules: 3 dots a module would be 435 > 384, so 2.
    const narrowed = renderReceipt({ blocks: [{ kind: 'barcode', symbology: 'CODE128', data: 'A'.repeat(10), moduleWidth: 3 }] }, GENERIC_58_ZH).segments[1]!;
    expect(hex(narrowed)).toContain('1D 77 02');
    // 255 modules do not fit 384 dots even at 2 dots a module.
    expect(codeOf(() => renderReceipt({ blocks: [{ kind: 'barcode', symbology: 'CODE128', data: 'A'.repeat(20) }] }, GENERIC_58_ZH))).toBe('too_wide');
    expect(codeOf(() => renderReceipt({ blocks: [{ kind: 'barcode', symbology: 'CODE128', data: 'A'.repeat(40) }] }, GENERIC_58_ZH))).toBe('too_wide');
    const ok = renderReceipt({ blocks: [{ kind: 'barcode', symbology: 'EAN13', data: '400638133393', moduleWidth: 6 }] }, GENERIC_58_ZH).segments[1]!;
    expect(hex(ok.subarray(ok.indexOf(0x77) - 1, ok.indexOf(0x77) + 2))).toBe('1D 77 04'); // 95 modules * 4 = 380 <= 384
    const image = renderReceipt({ blocks: [{ kind: 'image', bitmap: packBitmap(8, 1, () => true) }] }, GENERIC_58_ZH).segments;
    expect(image.map(hex).slice(1, 3)).toEqual(['1B 61 01', '1D 76 30 00 01 00 01 00 FF']);
    expect(codeOf(() => renderReceipt({ blocks: [{ kind: 'image', bitmap: packBitmap(400, 1, () => true) }] }, GENERIC_58_ZH))).toBe('too_wide');
  });

  it('encodes feeds, cuts and drawer pulses, and falls back where the printer lacks them', () => {
    const bytes = renderReceiptBytes(
      { blocks: [{ kind: 'feed', lines: 2 }, { kind: 'cut', mode: 'full', feedDots: 8 }, { kind: 'drawer', pin: 5 }] },
      GENERIC_58_ZH,
    );
    expect(hex(bytes)).toBe('1B 40 1C 26 1B 64 02 1D 56 41 08 1B 70 01 32 64');
    const noCutter: PrinterProfile = { ...GENERIC_58_ZH, id: 'no-cutter', cutter: null, drawer: false, qr: false, barcodes: [] };
    expect(hex(renderReceiptBytes({ blocks: [{ kind: 'cut' }] }, noCutter))).toBe('1B 40 1C 26 1B 64 04');
    expect(codeOf(() => renderReceipt({ blocks: [{ kind: 'drawer' }] }, noCutter))).toBe('unsupported');
    expect(codeOf(() => renderReceipt({ blocks: [{ kind: 'qr', data: 'x' }] }, noCutter))).toBe('unsupported');
    expect(codeOf(() => renderReceipt({ blocks: [{ kind: 'barcode', symbology: 'EAN8', data: '9638507' }] }, noCutter))).toBe('unsupported');
    const partialOnly: PrinterProfile = { ...GENERIC_58_ZH, cutter: { full: false, partial: true } };
    expect(hex(renderReceiptBytes({ blocks: [{ kind: 'cut', mode: 'full' }] }, partialOnly))).toBe('1B 40 1C 26 1D 56 42 00');
  });

  it('prints a banner first, and resets styles at the end', () => {
    const bytes = renderReceiptBytes({ blocks: [{ kind: 'text', text: 'x', underline: true, reverse: true, font: 'B' }] }, GENERIC_58_ZH, {
      banner: '*** REPRINT 重印 ***',
    });
    expect(hex(bytes)).toBe(
      '1B 40 1C 26 ' +
        '1B 61 01 1B 45 01 2A 2A 2A 20 52 45 50 52 49 4E 54 20 D6 D8 D3 A1 20 2A 2A 2A 0A ' +
        '1B 61 00 1B 4D 01 1B 45 00 1B 2D 01 1C 2D 01 1D 42 01 78 0A ' +
        '1B 4D 00 1B 2D 00 1C 2D 00 1D 42 00',
    );
  });

  it('rejects bad blocks and unknown profiles', () => {
    expect(codeOf(() => renderReceipt({ blocks: [{ kind: 'text', text: 'x', width: 9 }] }, GENERIC_58_ZH))).toBe('bad_argument');
    expect(codeOf(() => renderReceipt({ blocks: [{ kind: 'text', text: 'a\tb' }] }, GENERIC_58_ZH))).toBe('control_character');
    expect(codeOf(() => renderReceipt({ blocks: [{ kind: 'feed', lines: -1 }] }, GENERIC_58_ZH))).toBe('bad_argument');
    expect(codeOf(() => renderReceipt({ blocks: [{ kind: 'poem' } as never] }, GENERIC_58_ZH))).toBe('bad_argument');
    expect(codeOf(() => profileById('epson-tm-t1000'))).toBe('unknown_profile');
    expect(profileById('generic-58-zh')).toBe(GENERIC_58_ZH);
  });

  it('cuts the output at command boundaries', () => {
    const { segments, byteLength } = renderReceipt(
      { blocks: [{ kind: 'text', text: 'a\nb' }, { kind: 'image', bitmap: packBitmap(8, 300, () => false) }, { kind: 'cut' }] },
      GENERIC_58_ZH,
    );
    expect(segments.map((s) => s.length).reduce((a, b) => a + b, 0)).toBe(byteLength);
    expect(segments.map(hex).slice(0, 3)).toEqual(['1B 40 1C 26', '61 0A', '62 0A']);
    expect(hex(segments[4]!.subarray(0, 3))).toBe('1D 76 30');
    expect(hex(segments[5]!.subarray(0, 3))).toBe('1D 76 30');
  });
});
