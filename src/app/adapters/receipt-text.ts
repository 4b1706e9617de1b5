import type { Receipt } from '../../drivers/escpos/receipt.js';
import type { PrinterProfile } from '../../drivers/escpos/profiles.js';
import { textColumns } from '../../drivers/escpos/text-encoding.js';
import { rowLines, separatorLine, wrapParagraphs } from '../../drivers/escpos/wrap.js';

/**
 * A receipt document as the lines the printer lays out for `profile`: the same wrapping, rows and
 * separators as the ESC/POS layout (drivers/escpos/layout.ts), as plain text. A QR code is the
 * line `[QR]` (its text travels beside the lines); double-width text is laid out at half the
 * columns and shown single width. Drawer pulses, feeds and cuts print nothing.
 */
export function receiptText(receipt: Receipt, profile: PrinterProfile): string[] {
  const encoding = profile.text;
  const full = profile.columns.A;
  const out: string[] = [];
  const columnsFor = (font: 'A' | 'B' | undefined, width: number | undefined): number => Math.floor(profile.columns[font ?? 'A'] / (width ?? 1));
  const place = (line: string, align: 'left' | 'center' | 'right' | undefined): string => {
    const free = Math.max(0, full - textColumns(line, encoding));
    if (align === 'center') return ' '.repeat(Math.floor(free / 2)) + line;
    if (align === 'right') return ' '.repeat(free) + line;
    return line;
  };
  for (const block of receipt.blocks) {
    switch (block.kind) {
      case 'text':
        for (const line of wrapParagraphs(block.text, columnsFor(block.font, block.width), encoding)) out.push(place(line, block.align));
        break;
      case 'row':
        out.push(...rowLines(block.left, block.right, columnsFor(block.font, block.width), encoding, block.leader ?? '.'));
        break;
      case 'separator':
        out.push(separatorLine(block.char ?? '-', columnsFor(block.font, 1), encoding));
        break;
      case 'qr':
        out.push(place('[QR]', block.align ?? 'center'));
        break;
      case 'barcode':
        out.push(place(`[${block.symbology} ${block.data}]`, block.align ?? 'center'));
        break;
      case 'image':
        out.push(place('[image]', block.align ?? 'center'));
        break;
      case 'feed':
      case 'cut':
      case 'drawer':
        break;
    }
  }
  return out;
}
