/** What came out of the printer, in order: the twin's record of the paper. */

export interface PrintedGlyph {
  ch: string;
  /** Left edge in dots. */
  x: number;
  /** Cell size in dots at this glyph's magnification. */
  width: number;
  height: number;
  /** A Chinese-mode (double-byte) glyph in a Kanji cell. */
  wide: boolean;
  font: 'A' | 'B';
  widthMul: number;
  heightMul: number;
  bold: boolean;
  underline: number;
  reverse: boolean;
}

export type PaperItem =
  | { kind: 'line'; glyphs: PrintedGlyph[]; height: number; text: string }
  | { kind: 'feed'; dots: number; lines: number }
  | { kind: 'raster'; x: number; bytesPerRow: number; rows: number; data: Uint8Array; scaleX: number; scaleY: number }
  | { kind: 'qr'; x: number; cell: number; size: number; modules: Uint8Array; data: Uint8Array }
  | { kind: 'barcode'; x: number; symbology: string; text: string; modules: boolean[]; moduleWidth: number; height: number; hri: number }
  | { kind: 'cut'; partial: boolean; feedDots: number };

/** Dots per text column in the text rendering (font A). */
export const TEXT_COLUMN_DOTS = 12;

/** The characters of a printed line, with spaces where the printer left room (alignment, tabs). */
export function lineText(glyphs: readonly PrintedGlyph[]): string {
  let text = '';
  let expectedX = 0;
  for (const g of glyphs) {
    const gap = g.x - expectedX;
    if (gap > 0) text += ' '.repeat(Math.floor(gap / TEXT_COLUMN_DOTS));
    text += g.ch;
    expectedX = g.x + g.width;
  }
  return text;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function cutMarker(partial: boolean): string {
  return `[[CUT ${partial ? 'partial' : 'full'}]]`;
}

/** One string per printed line; cuts, pictures and symbols as [[...]] marker lines. */
export function paperText(items: readonly PaperItem[]): string {
  const out: string[] = [];
  for (const item of items) {
    switch (item.kind) {
      case 'line':
        out.push(item.text);
        break;
      case 'feed':
        for (let i = 0; i < item.lines; i++) out.push('');
        break;
      case 'raster':
        out.push(`[[IMAGE ${item.bytesPerRow * 8 * item.scaleX}x${item.rows * item.scaleY}]]`);
        break;
      case 'qr':
        out.push(`[[QR ${JSON.stringify(utf8.decode(item.data))}]]`);
        break;
      case 'barcode':
        out.push(`[[BARCODE ${item.symbology} ${item.text}]]`);
        break;
      case 'cut':
        out.push(cutMarker(item.partial));
        break;
    }
  }
  return out.join('\n');
}
