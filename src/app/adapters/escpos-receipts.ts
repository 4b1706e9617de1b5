import type { Receipt, ReceiptBlock } from '../../drivers/escpos/receipt.js';
import type { EscPosPrinter as PrinterDevice } from '../../drivers/printer/index.js';
import type { ReceiptContent, ReceiptOutput, ReceiptRow } from '../../terminal/ports.js';

/** QR modules of 4 dots (0.5 mm at 203 dpi): what a phone reads off thermal paper (docs/receipt-qr.md). */
const QR_CELL_DOTS = 4;

function row(r: ReceiptRow, leader = ' '): ReceiptBlock {
  return { kind: 'row', left: r.label, right: r.value, leader, ...(r.emphasis ? { bold: true, height: 2 } : {}) };
}

/**
 * Lays a printer-independent receipt out in the ESC/POS driver's document model. Widths are the
 * driver's business: rows and text wrap to the paper's columns (32 at 58 mm, 48 at 80 mm, CJK
 * counted double), so the same content prints on either.
 */
export function receiptDocument(content: ReceiptContent): Receipt {
  const blocks: ReceiptBlock[] = [];
  content.header.forEach((line, i) => blocks.push({ kind: 'text', text: line, align: 'center', bold: i === 0, ...(i === 0 ? { height: 2 } : {}) }));
  blocks.push({ kind: 'separator' });
  if (content.titles?.length) {
    for (const title of content.titles) blocks.push({ kind: 'text', text: title, align: 'center', bold: true });
    blocks.push({ kind: 'separator' });
  }
  if (content.info?.length) {
    for (const r of content.info) blocks.push(row(r));
    blocks.push({ kind: 'separator' });
  }
  if (content.items.length) {
    for (const item of content.items) {
      blocks.push({ kind: 'row', left: item.text, right: item.amount });
      if (item.detail) blocks.push({ kind: 'text', text: `  ${item.detail}` });
    }
    blocks.push({ kind: 'separator' });
  }
  if (content.totals.length) {
    for (const t of content.totals) blocks.push({ kind: 'row', left: t.label, right: t.amount, leader: ' ', ...(t.emphasis ? { bold: true, height: 2 } : {}) });
    blocks.push({ kind: 'separator' });
  }
  if (content.payment?.length) {
    for (const r of content.payment) blocks.push(row(r));
    blocks.push({ kind: 'separator' });
  }
  for (const section of content.sections ?? []) {
    blocks.push({ kind: 'text', text: section.title, bold: true });
    for (const r of section.rows) blocks.push(row(r, '.'));
    blocks.push({ kind: 'separator' });
  }
  for (const notice of content.notices ?? []) blocks.push({ kind: 'text', text: ` ${notice} `, align: 'center', bold: true, reverse: true });
  for (const line of content.footer) blocks.push({ kind: 'text', text: line, align: 'center', font: 'B' });
  if (content.qr) blocks.push({ kind: 'qr', data: content.qr, align: 'center', errorLevel: 'M', cellSize: QR_CELL_DOTS });
  if (content.openDrawer) blocks.push({ kind: 'drawer' });
  blocks.push({ kind: 'cut' });
  return { blocks };
}

/** The terminal's printer port on the ESC/POS driver: resolves once the receipt is on paper (reprinted whole if interrupted). */
export function escposReceiptPrinter(device: PrinterDevice): ReceiptOutput {
  return {
    chinese: device.profile.text.kind === 'gb18030',
    async print(content: ReceiptContent): Promise<void> {
      await device.print(receiptDocument(content)).done;
    },
  };
}
