import { existsSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { renderEscPos } from '../../../hw-sim/printer/render.js';
import { DEFAULT_UNIFONT_PATH, loadUnifont, Unifont } from '../../../hw-sim/printer/unifont.js';

function inkIn(png: Buffer, x: number, y: number, w: number, h: number): number {
  const image = PNG.sync.read(png);
  let ink = 0;
  for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) if (image.data[(yy * image.width + xx) * 4] === 0) ink++;
  return ink;
}

const text = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

describe('Unifont .hex parsing', () => {
  it('reads 8x16 and 16x16 glyphs', () => {
    const font = Unifont.parse('0041:0000000018242442427E424242420000\n4E2D:01000100010001003FF8210821082108210821083FF821080100010001000100\nbad line\n');
    expect(font.size).toBe(2);
    const a = font.glyph(0x41)!;
    expect(a.width).toBe(8);
    expect([...a.rows].slice(4, 8)).toEqual([0x18, 0x24, 0x24, 0x42]);
    const zhong = font.glyph(0x4e2d)!;
    expect(zhong.width).toBe(16);
    expect(zhong.rows[4]).toBe(0x3ff8);
    expect(font.glyph(0x42)).toBeUndefined();
  });

  it('is installed on this machine (Debian package unifont) for the renderer tests', () => {
    // CI installs the unifont package; without it the renderer falls back to boxes (tested below).
    expect(existsSync(DEFAULT_UNIFONT_PATH)).toBe(true);
    expect(loadUnifont()!.size).toBeGreaterThan(50_000);
    expect(loadUnifont('/nonexistent.hex')).toBeNull();
  });
});

describe('renderEscPos', () => {
  it('draws glyphs from Unifont, or solid boxes without it', () => {
    const bytes = text('A\n');
    const withFont = renderEscPos(bytes);
    const boxes = renderEscPos(bytes, { fontPath: null });
    // Font A cell: 12x24 dots at the bottom of a 30-dot line, which starts 8 dots down (top margin).
    const glyphInk = inkIn(withFont.png!, 0, 14, 12, 24);
    const boxInk = inkIn(boxes.png!, 0, 14, 12, 24);
    expect(boxInk).toBe(10 * 20); // the cell minus a one-dot frame left/right and two top/bottom
    expect(glyphInk).toBeGreaterThan(20);
    expect(glyphInk).toBeLessThan(boxInk);
    expect(boxes.warnings).toEqual(['no font requested: glyphs drawn as solid boxes']);
    expect(withFont.warnings).toEqual([]);
  });

  it('draws CJK glyphs in a 24-dot Kanji cell', () => {
    const { png } = renderEscPos(Uint8Array.of(0xd6, 0xd0, 0x41, 0x0a)); // 中A
    expect(inkIn(png!, 0, 14, 24, 24)).toBeGreaterThan(40);
    expect(inkIn(png!, 24, 14, 12, 24)).toBeGreaterThan(20);
    expect(PNG.sync.read(png!).width).toBe(384);
    expect(PNG.sync.read(renderEscPos(text('x\n'), { dotsPerLine: 576 }).png!).width).toBe(576);
  });

  it('says which glyphs the font lacks', () => {
    const { warnings } = renderEscPos(Uint8Array.of(0x94, 0x39, 0xfc, 0x36, 0x0a)); // 😀, outside plane 0
    expect(warnings).toEqual(['no Unifont glyph for U+1F600: drawn as boxes']);
  });

  it('reports interpreter errors with their byte offsets, and can skip the PNG', () => {
    const result = renderEscPos(Uint8Array.of(0x41, 0x1b, 0x7e, 0x0a), { png: false });
    expect(result.png).toBeUndefined();
    expect(result.text).toBe('A');
    expect(result.warnings).toEqual(['error unknown_command at byte 1: ESC 0x7E']);
  });

  it('shows cuts, pictures and bold, underlined, reversed, double-size text', () => {
    const bytes = Uint8Array.from([
      ...[0x1b, 0x45, 1, 0x1b, 0x2d, 1, 0x1d, 0x42, 1, 0x1d, 0x21, 0x11],
      ...text('Big'),
      0x0a,
      ...[0x1d, 0x76, 0x30, 0x00, 0x01, 0x00, 0x08, 0x00, 0xff, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0xff],
      ...[0x1d, 0x56, 0x00],
    ]);
    const result = renderEscPos(bytes);
    expect(result.text).toBe('Big\n[[IMAGE 8x8]]\n[[CUT full]]');
    const image = PNG.sync.read(result.png!);
    // 8 top margin + 48 (double-height line) + 8 (image) + 16 (cut band) + 8 bottom margin
    expect(image.height).toBe(8 + 48 + 8 + 16 + 8);
    // A reversed cell is mostly ink.
    expect(inkIn(result.png!, 0, 8, 24, 48)).toBeGreaterThan((24 * 48) / 2);
    // The raster frame: first row all black.
    expect(inkIn(result.png!, 0, 56, 8, 1)).toBe(8);
  });
});
