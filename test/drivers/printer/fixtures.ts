import type { Receipt } from '../../../src/drivers/escpos/receipt.js';

/** A short receipt in Chinese and English: 9 printed lines and a cut on 58 mm paper. */
export const NOODLE_RECEIPT: Receipt = {
  blocks: [
    { kind: 'text', text: '示例面馆 Demo Noodles', align: 'center', bold: true },
    { kind: 'separator' },
    { kind: 'row', left: '牛肉面 Beef noodles', right: '28.00' },
    { kind: 'row', left: '茶 Tea', right: '3.00' },
    { kind: 'row', left: '小菜 Side dish', right: '6.50' },
    { kind: 'separator', char: '=' },
    { kind: 'row', left: '合计 TOTAL', right: '37.50', bold: true },
    { kind: 'text', text: '谢谢光临 Thank you', align: 'center' },
    { kind: 'text', text: 'Order 42' },
    { kind: 'cut' },
  ],
};

/** What the twin shows for NOODLE_RECEIPT on a 32-column printer. */
export const NOODLE_LINES = [
  '     示例面馆 Demo Noodles', // 21 columns centred in 32: 5 left
  '-'.repeat(32),
  '牛肉面 Beef noodles ...... 28.00',
  '茶 Tea .................... 3.00',
  '小菜 Side dish ............ 6.50',
  '='.repeat(32),
  '合计 TOTAL ............... 37.50',
  '       谢谢光临 Thank you',
  'Order 42',
  '[[CUT partial]]',
];

/** The same for a code-page printer (no Chinese). */
export const LATIN_RECEIPT: Receipt = {
  blocks: [
    { kind: 'text', text: 'Demo Noodles', align: 'center', bold: true },
    { kind: 'row', left: 'Beef noodles', right: '28.00' },
    { kind: 'row', left: 'Tea', right: '3.00' },
    { kind: 'row', left: 'TOTAL', right: '31.00', bold: true },
    { kind: 'cut' },
  ],
};
