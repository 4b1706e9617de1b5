import { readFileSync } from 'node:fs';

/** Where Debian's `unifont` package puts GNU Unifont in .hex form. */
export const DEFAULT_UNIFONT_PATH = '/usr/share/unifont/unifont.hex';

/** One glyph: 16 rows, 8 or 16 columns; rows[y] bit (width - 1 - x) set = ink. */
export interface UnifontGlyph {
  width: 8 | 16;
  rows: Uint16Array;
}

/**
 * GNU Unifont's .hex format: one glyph a line, `CODEPOINT:BITMAP`, the code point in hex and the
 * bitmap as 32 hex digits (8x16) or 64 (16x16), row by row, most significant bit leftmost.
 */
export class Unifont {
  private readonly decoded = new Map<number, UnifontGlyph>();

  private constructor(private readonly hex: Map<number, string>) {}

  static parse(text: string): Unifont {
    const map = new Map<number, string>();
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const colon = text.indexOf(':', start);
      if (colon > start && colon < end) {
        const code = parseInt(text.slice(start, colon), 16);
        const bitmap = text.slice(colon + 1, end).trim();
        if (Number.isFinite(code) && (bitmap.length === 32 || bitmap.length === 64)) map.set(code, bitmap);
      }
      start = end + 1;
    }
    return new Unifont(map);
  }

  get size(): number {
    return this.hex.size;
  }

  glyph(codePoint: number): UnifontGlyph | undefined {
    const cached = this.decoded.get(codePoint);
    if (cached) return cached;
    const bitmap = this.hex.get(codePoint);
    if (bitmap === undefined) return undefined;
    const width = bitmap.length === 32 ? 8 : 16;
    const digits = width / 4;
    const rows = new Uint16Array(16);
    for (let y = 0; y < 16; y++) rows[y] = parseInt(bitmap.slice(y * digits, (y + 1) * digits), 16);
    const glyph: UnifontGlyph = { width, rows };
    this.decoded.set(codePoint, glyph);
    return glyph;
  }
}

const loaded = new Map<string, Unifont | null>();

/** Loads and caches the font; null when the file is absent or unreadable. */
export function loadUnifont(path: string = DEFAULT_UNIFONT_PATH): Unifont | null {
  if (loaded.has(path)) return loaded.get(path)!;
  let font: Unifont | null;
  try {
    font = Unifont.parse(readFileSync(path, 'latin1'));
    if (font.size === 0) font = null;
  } catch {
    font = null;
  }
  loaded.set(path, font);
  return font;
}
