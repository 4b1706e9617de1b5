import type { Receipt, ReceiptBlock } from '../../drivers/escpos/receipt.js';
import type { EscPosPrinter as PrinterDevice } from '../../drivers/printer/index.js';
import type { ReceiptContent, ReceiptOutput } from '../../terminal/ports.js';

/** Lays a printer-independent receipt out in the ESC/POS driver's document model. */
export function receiptDocument(content: ReceiptContent): Receipt {
  const blocks: ReceiptBlock[] = [];
  content.header.forEach((line, i) => blocks.push({ kind: 'text', text: line, align: 'center', bold: i === 0, ...(i === 0 ? { height: 2 } : {}) }));
  blocks.push({ kind: 'separator' });
  for (const item of content.items) blocks.push({ kind: 'row', left: item.text, right: item.amount });
  blocks.push({ kind: 'separator' });
  for (const t of content.totals) blocks.push({ kind: 'row', left: t.label, right: t.amount, leader: ' ', ...(t.emphasis ? { bold: true, height: 2 } : {}) });
  blocks.push({ kind: 'separator' });
  for (const line of content.footer) blocks.push({ kind: 'text', text: line, align: 'center', font: 'B' });
  if (content.qr) blocks.push({ kind: 'qr', data: content.qr, align: 'center', errorLevel: 'M', cellSize: 4 });
  if (content.openDrawer) blocks.push({ kind: 'drawer' });
  blocks.push({ kind: 'cut' });
  return { blocks };
}

/** The terminal's printer port on the ESC/POS driver: resolves once the receipt is on paper (reprinted whole if interrupted). */
export function escposReceiptPrinter(device: PrinterDevice): ReceiptOutput {
  return {
    async print(content: ReceiptContent): Promise<void> {
      await device.print(receiptDocument(content)).done;
    },
  };
}
