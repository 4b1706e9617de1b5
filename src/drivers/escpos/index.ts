export * from './commands.js';
export { EscPosError, type EscPosErrorCode } from './errors.js';
export { concatBytes } from '../../encoding/bytes.js';
export { qrCode, qrModel, qrCellSize, qrErrorLevel, qrStore, qrPrint, qrDataBytes, QR_MAX_DATA_BYTES, type QrOptions, type QrErrorLevel, type QrModel } from './qr.js';
export {
  barcode,
  barcodeData,
  barcodeHeight,
  barcodeModuleWidth,
  barcodeModules,
  barcodePayload,
  gtinCheckDigit,
  hriFont,
  hriPosition,
  type BarcodeOptions,
  type BarcodeSymbology,
  type Code128Set,
  type HriPosition,
} from './barcode.js';
export { rasterImage, packBitmap, bytesPerRow, checkBitmap, DEFAULT_BAND_ROWS, type MonoBitmap, type RasterScale } from './raster.js';
export { encodeText, printableText, charColumns, textColumns, CODE_PAGES, type CodePageName, type TextEncoding, type UnencodablePolicy } from './text-encoding.js';
export * from './status.js';
export { StatusDemux, XON, XOFF, type PrinterMessage } from './status-demux.js';
export { GENERIC_58_ZH, GENERIC_80, GENERIC_80_ZH, PROFILES, profileById, type PrinterProfile } from './profiles.js';
export type * from './receipt.js';
export { wrapText, wrapParagraphs, rowLines, separatorLine } from './wrap.js';
export {
  renderReceipt,
  renderReceiptBytes,
  receiptPrologue,
  DEFAULT_QR_CELL,
  DEFAULT_DRAWER_PULSE,
  TEAR_OFF_FEED_LINES,
  QUIET_MODULES,
  BARCODE_MARGIN_DOTS,
  type RenderOptions,
  type RenderedReceipt,
} from './layout.js';
