import type { BarcodeSymbology } from './barcode.js';
import { EscPosError } from './errors.js';
import type { TextEncoding } from './text-encoding.js';

/**
 * What one printer model can do. The layout engine sizes lines and pictures from it; the device
 * layer decides from it whether to ask for Automatic Status Back or to poll.
 */
export interface PrinterProfile {
  readonly id: string;
  readonly description: string;
  readonly paperWidthMm: 58 | 80;
  /** Printable width in dots: the widest raster image, QR or barcode (384 at 58 mm, 576 at 80 mm, 203 dpi). */
  readonly dotsPerLine: number;
  /** Characters per line at normal size: font A (12 dots) and font B (9 dots). */
  readonly columns: { readonly A: number; readonly B: number };
  readonly text: TextEncoding;
  /** The firmware understands FS & / FS . / FS - (Chinese-firmware printers; they power up in Chinese mode). */
  readonly chineseCommands: boolean;
  readonly qr: boolean;
  readonly barcodes: readonly BarcodeSymbology[];
  readonly cutter: { readonly full: boolean; readonly partial: boolean } | null;
  /** A drawer kick-out connector. */
  readonly drawer: boolean;
  /** Automatic Status Back (GS a); without it the driver polls DLE EOT. */
  readonly asb: boolean;
  /**
   * How the driver learns a job has left the printer's buffer: 'paper-status' sends GS r 1 after
   * the job and waits for its reply; 'none' (printers without GS r) takes a job as done once it is
   * written and a status query afterwards finds the printer healthy.
   */
  readonly completion: 'paper-status' | 'none';
  readonly defaultBaudRate: number;
}

const ALL_BARCODES: readonly BarcodeSymbology[] = ['EAN13', 'EAN8', 'UPCA', 'CODE128'];

/** The common 58 mm Chinese-firmware printer (Xprinter / Gprinter class): GB18030, no ASB. */
export const GENERIC_58_ZH: PrinterProfile = {
  id: 'generic-58-zh',
  description: 'Generic 58 mm thermal printer, Chinese firmware (GB18030), 384 dots, cutter and drawer port, no ASB',
  paperWidthMm: 58,
  dotsPerLine: 384,
  columns: { A: 32, B: 42 },
  text: { kind: 'gb18030' },
  chineseCommands: true,
  qr: true,
  barcodes: ALL_BARCODES,
  cutter: { full: true, partial: true },
  drawer: true,
  asb: false,
  completion: 'paper-status',
  defaultBaudRate: 9600,
};

/** The common 80 mm printer with Epson-compatible firmware and a single-byte code page. */
export const GENERIC_80: PrinterProfile = {
  id: 'generic-80',
  description: 'Generic 80 mm thermal printer, Epson-compatible, code page 437, 576 dots, cutter, drawer port, ASB',
  paperWidthMm: 80,
  dotsPerLine: 576,
  columns: { A: 48, B: 64 },
  text: { kind: 'codepage', codePage: 'cp437' },
  chineseCommands: false,
  qr: true,
  barcodes: ALL_BARCODES,
  cutter: { full: true, partial: true },
  drawer: true,
  asb: true,
  completion: 'paper-status',
  defaultBaudRate: 19200,
};

/** An 80 mm printer with Chinese firmware (GB18030) and ASB. */
export const GENERIC_80_ZH: PrinterProfile = {
  ...GENERIC_80,
  id: 'generic-80-zh',
  description: 'Generic 80 mm thermal printer, Chinese firmware (GB18030), 576 dots, cutter, drawer port, ASB',
  text: { kind: 'gb18030' },
  chineseCommands: true,
};

export const PROFILES: readonly PrinterProfile[] = [GENERIC_58_ZH, GENERIC_80, GENERIC_80_ZH];

export function profileById(id: string): PrinterProfile {
  const profile = PROFILES.find((p) => p.id === id);
  if (!profile) throw new EscPosError('unknown_profile', `unknown printer profile ${JSON.stringify(id)} (known: ${PROFILES.map((p) => p.id).join(', ')})`);
  return profile;
}
