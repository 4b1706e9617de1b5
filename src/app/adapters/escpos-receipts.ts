import type { PrinterProfile } from '../../drivers/escpos/profiles.js';
import type { Receipt, ReceiptBlock } from '../../drivers/escpos/receipt.js';
import { textColumns } from '../../drivers/escpos/text-encoding.js';
import type { EscPosPrinter as PrinterDevice } from '../../drivers/printer/index.js';
import type { ReceiptContent, ReceiptOutput, ReceiptRow } from '../../terminal/ports.js';

/** QR modules of 4 dots (0.5 mm at 203 dpi): what a phone reads off thermal paper (docs/receipt-qr.md). */
const QR_CELL_DOTS = 4;

/**
 * A label and its value on one line when both fit (`Time      2026-11-24 01:02:03`); otherwise the
 * label, then the value flush right on the line below, rather than a label squeezed into the few
 * columns a long value leaves (an order reference on 58 mm paper).
 */
function rows(r: ReceiptRow, profile: PrinterProfile | undefined, leader = ' '): ReceiptBlock[] {
  const style = r.emphasis ? { bold: true, height: 2 } : {};
  if (profile && !r.emphasis && textColumns(r.label, profile.text) + 1 + textColumns(r.value, profile.text) > profile.columns.A) {
    return [
      { kind: 'text', text: r.label },
      { kind: 'text', text: r.value, align: 'right' },
    ];
  }
  return [{ kind: 'row', left: r.label, right: r.value, leader, ...style }];
}

/**
 * Lays a printer-independent receipt out in the ESC/POS driver's document model. Widths are the
 * driver's business: rows and text wrap to the paper's columns (32 at 58 mm, 48 at 80 mm, CJK
 * counted double), so the same content prints on either.
 */
export function receiptDocument(content: ReceiptContent, profile?: PrinterProfile): Receipt {
  const blocks: ReceiptBlock[] = [];
  content.header.forEach((line, i) => blocks.push({ kind: 'text', text: line, align: 'center', bold: i === 0, ...(i === 0 ? { height: 2 } : {}) }));
  blocks.push({ kind: 'separator' });
  if (content.titles?.length) {
    for (const title of content.titles) blocks.push({ kind: 'text', text: title, align: 'center', bold: true });
    blocks.push({ kind: 'separator' });
  }
  if (content.info?.length) {
    for (const r of content.info) blocks.push(...rows(r, profile));
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
    for (const r of content.payment) blocks.push(...rows(r, profile));
    blocks.push({ kind: 'separator' });
  }
  for (const section of content.sections ?? []) {
    blocks.push({ kind: 'text', text: section.title, bold: true });
    for (const r of section.rows) blocks.push(...rows(r, profile, '.'));
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
      await device.print(receiptDocument(content, device.profile)).done;
    },
  };
}
