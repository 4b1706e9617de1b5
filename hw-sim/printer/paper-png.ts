import { createRequire } from 'node:module';
import type { PaperItem, PrintedGlyph } from './paper.js';
import { DEFAULT_UNIFONT_PATH, loadUnifont, type Unifont } from './unifont.js';

type PngModule = typeof import('pngjs');
let pngjs: PngModule | undefined;

export interface PaperPngOptions {
  /** GNU Unifont .hex file; default the Debian path. null draws every glyph as a box. */
  fontPath?: string | null;
}

export interface PaperPng {
  png: Buffer;
  width: number;
  height: number;
  warnings: string[];
}

const MARGIN = 8;
const CUT_BAND = 16;
const HRI_HEIGHT = 26;

/** A 1-bit canvas, one byte a dot (1 = black). */
class Canvas {
  readonly dots: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.dots = new Uint8Array(width * height);
  }
  set(x: number, y: number, black = true): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.dots[y * this.width + x] = black ? 1 : 0;
  }
  fill(x: number, y: number, w: number, h: number): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.set(xx, yy);
  }
}

function itemHeight(item: PaperItem): number {
  switch (item.kind) {
    case 'line':
      return item.height;
    case 'feed':
      return item.dots;
    case 'raster':
      return item.rows * item.scaleY;
    case 'qr':
      return item.size * item.cell;
    case 'barcode':
      return item.height + (item.hri === 1 || item.hri === 2 ? HRI_HEIGHT : item.hri === 3 ? 2 * HRI_HEIGHT : 0);
    case 'cut':
      return item.feedDots + CUT_BAND;
  }
}

class GlyphPainter {
  readonly missing = new Set<number>();
  constructor(private readonly font: Unifont | null) {}

  paint(canvas: Canvas, g: PrintedGlyph, top: number): void {
    const baseW = g.width / g.widthMul;
    const baseH = g.height / g.heightMul;
    const code = g.ch.codePointAt(0)!;
    const blank = code === 0x20 || code === 0x3000;
    const glyph = blank ? undefined : this.font?.glyph(code);
    if (!blank && !glyph) this.missing.add(code);
    const scale = g.font === 'A' ? 1.5 : 1;
    const gw = glyph?.width ?? 8;
    const ox = Math.floor((baseW - gw * scale) / 2);
    const oy = Math.floor((baseH - 16 * scale) / 2);
    const inkAt = (u: number, v: number): boolean => {
      if (blank) return false;
      if (!glyph) return u >= 1 && u < baseW - 1 && v >= 2 && v < baseH - 2;
      const gx = Math.floor((u - ox) / scale);
      const gy = Math.floor((v - oy) / scale);
      if (gy < 0 || gy >= 16) return false;
      const bit = (x: number): boolean => x >= 0 && x < glyph.width && ((glyph.rows[gy]! >> (glyph.width - 1 - x)) & 1) === 1;
      return bit(gx) || (g.bold && bit(Math.floor((u - 1 - ox) / scale)));
    };
    for (let dy = 0; dy < g.height; dy++) {
      const v = Math.floor(dy / g.heightMul);
      for (let dx = 0; dx < g.width; dx++) {
        const u = Math.floor(dx / g.widthMul);
        let ink = inkAt(u, v) || (g.underline > 0 && v >= baseH - g.underline);
        if (g.reverse) ink = !ink;
        if (ink) canvas.set(g.x + dx, top + dy);
      }
    }
  }

  /** HRI digits in font A cells, centered on [x, x + width). */
  text(canvas: Canvas, text: string, x: number, width: number, top: number): void {
    const start = x + Math.floor((width - text.length * 12) / 2);
    [...text].forEach((ch, i) =>
      this.paint(
        canvas,
        { ch, x: start + i * 12, width: 12, height: 24, wide: false, font: 'A', widthMul: 1, heightMul: 1, bold: false, underline: 0, reverse: false },
        top + 1,
      ),
    );
  }
}

/** Draws the paper record at the printer's dot width: text with Unifont glyphs, QR modules, bars, raster. */
export function renderPaperPng(items: readonly PaperItem[], dotsPerLine: number, options: PaperPngOptions = {}): PaperPng {
  const warnings: string[] = [];
  const fontPath = options.fontPath === undefined ? DEFAULT_UNIFONT_PATH : options.fontPath;
  const font = fontPath === null ? null : loadUnifont(fontPath);
  if (!font) {
    warnings.push(
      fontPath === null
        ? 'no font requested: glyphs drawn as solid boxes'
        : `GNU Unifont not found at ${fontPath} (Debian package unifont): glyphs drawn as solid boxes`,
    );
  }
  const painter = new GlyphPainter(font);
  let height = 2 * MARGIN;
  for (const item of items) height += itemHeight(item);
  const canvas = new Canvas(dotsPerLine, height);
  let y = MARGIN;
  for (const item of items) {
    switch (item.kind) {
      case 'line':
        for (const g of item.glyphs) painter.paint(canvas, g, y + item.height - g.height);
        break;
      case 'raster':
        for (let row = 0; row < item.rows; row++) {
          for (let col = 0; col < item.bytesPerRow * 8; col++) {
            if (((item.data[row * item.bytesPerRow + (col >> 3)]! >> (7 - (col & 7))) & 1) === 0) continue;
            canvas.fill(item.x + col * item.scaleX, y + row * item.scaleY, item.scaleX, item.scaleY);
          }
        }
        break;
      case 'qr':
        for (let r = 0; r < item.size; r++) {
          for (let c = 0; c < item.size; c++) {
            if (item.modules[r * item.size + c]) canvas.fill(item.x + c * item.cell, y + r * item.cell, item.cell, item.cell);
          }
        }
        break;
      case 'barcode': {
        const width = item.modules.length * item.moduleWidth;
        let barsTop = y;
        if (item.hri === 1 || item.hri === 3) {
          painter.text(canvas, item.text, item.x, width, y);
          barsTop += HRI_HEIGHT;
        }
        item.modules.forEach((bar, i) => {
          if (bar) canvas.fill(item.x + i * item.moduleWidth, barsTop, item.moduleWidth, item.height);
        });
        if (item.hri === 2 || item.hri === 3) painter.text(canvas, item.text, item.x, width, barsTop + item.height);
        break;
      }
      case 'cut': {
        const mid = y + item.feedDots + CUT_BAND / 2;
        for (let x = 0; x < dotsPerLine; x += 8) canvas.fill(x, mid, item.partial ? 2 : 4, 1);
        break;
      }
      case 'feed':
        break;
    }
    y += itemHeight(item);
  }
  if (font && painter.missing.size > 0) {
    const list = [...painter.missing].slice(0, 8).map((c) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
    warnings.push(`no Unifont glyph for ${list.join(', ')}${painter.missing.size > 8 ? ', ...' : ''}: drawn as boxes`);
  }
  pngjs ??= createRequire(import.meta.url)('pngjs') as PngModule;
  const png = new pngjs.PNG({ width: dotsPerLine, height });
  for (let i = 0; i < canvas.dots.length; i++) {
    const v = canvas.dots[i] ? 0 : 255;
    png.data[i * 4] = v;
    png.data[i * 4 + 1] = v;
    png.data[i * 4 + 2] = v;
    png.data[i * 4 + 3] = 255;
  }
  return { png: pngjs.PNG.sync.write(png, { colorType: 0 }), width: dotsPerLine, height, warnings };
}
