import { renderPaperPng } from './paper-png.js';
import { EscPosPrinterTwin } from './printer-twin.js';

export interface RenderEscPosOptions {
  /** Printable width in dots: 384 (58 mm, default) or 576 (80 mm). */
  dotsPerLine?: number;
  /** Chinese firmware (GB18030 in Chinese mode, the power-up default). Default true. */
  chineseFirmware?: boolean;
  /** Make the PNG (default true). */
  png?: boolean;
  /** GNU Unifont .hex path (default /usr/share/unifont/unifont.hex); null draws boxes. */
  fontPath?: string | null;
}

export interface RenderEscPosResult {
  /** One line per printed line; cuts, QR codes, barcodes and images as [[...]] marker lines. */
  text: string;
  /** The paper at the printer's dot width, when asked for. */
  png: Buffer | undefined;
  /** Interpreter errors and warnings (unknown or malformed commands) and renderer notes (missing font). */
  warnings: string[];
}

/** Prints an ESC/POS byte stream on a fresh twin and returns what came out. For `hw-sim render FILE`. */
export function renderEscPos(bytes: Uint8Array, options: RenderEscPosOptions = {}): RenderEscPosResult {
  const twin = new EscPosPrinterTwin({
    dotsPerLine: options.dotsPerLine ?? 384,
    chineseFirmware: options.chineseFirmware ?? true,
  });
  twin.receiveFromHost(bytes);
  const warnings = twin.log.map((e) => `${e.level} ${e.code}${e.offset === undefined ? '' : ` at byte ${e.offset}`}: ${e.message}`);
  let png: Buffer | undefined;
  if (options.png ?? true) {
    const drawn = renderPaperPng(twin.paper, twin.dotsPerLine, options.fontPath === undefined ? {} : { fontPath: options.fontPath });
    png = drawn.png;
    warnings.push(...drawn.warnings);
  }
  return { text: twin.text(), png, warnings };
}
