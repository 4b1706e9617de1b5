import type { BarcodeSymbology, Code128Set, HriPosition } from './barcode.js';
import type { Align, CutMode, DrawerPin, Font } from './commands.js';
import type { QrErrorLevel } from './qr.js';
import type { MonoBitmap } from './raster.js';

export interface TextStyle {
  align?: Align;
  bold?: boolean;
  underline?: boolean;
  reverse?: boolean;
  /** Character width multiplier 1..8; the line holds columns / width characters. */
  width?: number;
  /** Character height multiplier 1..8. */
  height?: number;
  font?: Font;
}

/** A paragraph; `\n` starts a new line, long lines wrap. */
export interface TextBlock extends TextStyle {
  kind: 'text';
  text: string;
}

/** Label on the left, amount on the right: `Noodles ........ 12.50`. A long label wraps above. */
export interface RowBlock {
  kind: 'row';
  left: string;
  right: string;
  /** One-column character between them (default '.'); ' ' for plain spacing. */
  leader?: string;
  bold?: boolean;
  width?: number;
  height?: number;
  font?: Font;
}

export interface SeparatorBlock {
  kind: 'separator';
  /** Character repeated across the line (default '-'). */
  char?: string;
  font?: Font;
}

export interface QrBlock {
  kind: 'qr';
  /** Text is sent as UTF-8. */
  data: string | Uint8Array;
  /** Module size in dots (default 6); shrunk when the symbol would not fit the paper. */
  cellSize?: number;
  errorLevel?: QrErrorLevel;
  align?: Align;
}

export interface BarcodeBlock {
  kind: 'barcode';
  symbology: BarcodeSymbology;
  data: string;
  height?: number;
  /** Narrow module width in dots (default 2); narrowed (down to 2) to fit the paper. */
  moduleWidth?: number;
  hri?: HriPosition;
  codeSet?: Code128Set;
  align?: Align;
}

export interface ImageBlock {
  kind: 'image';
  bitmap: MonoBitmap;
  align?: Align;
}

export interface FeedBlock {
  kind: 'feed';
  lines: number;
}

export interface CutBlock {
  kind: 'cut';
  /** Default partial; a printer with only one kind of cut uses that one. */
  mode?: CutMode;
  /** Extra dots fed after the last line has passed the cutter (default 0). */
  feedDots?: number;
}

/** A pulse on the drawer kick-out connector, in the flow of the receipt. */
export interface DrawerBlock {
  kind: 'drawer';
  pin?: DrawerPin;
  /** Default 100 ms on, 200 ms off. */
  onMs?: number;
  offMs?: number;
}

export type ReceiptBlock = TextBlock | RowBlock | SeparatorBlock | QrBlock | BarcodeBlock | ImageBlock | FeedBlock | CutBlock | DrawerBlock;

export interface Receipt {
  blocks: readonly ReceiptBlock[];
}
