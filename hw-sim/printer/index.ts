export {
  EscPosPrinterTwin,
  type PrinterFault,
  type PrinterTwinOptions,
  type TwinLogEntry,
  type DrawerPulseRecord,
  type StatusRequestRecord,
} from './printer-twin.js';
export { printerFaults } from './faults.js';
export type { PrinterBehaviour, PrinterOutputKind } from './behaviour.js';
export { renderEscPos, type RenderEscPosOptions, type RenderEscPosResult } from './render.js';
export { renderPaperPng, type PaperPng, type PaperPngOptions } from './paper-png.js';
export { paperText, cutMarker, type PaperItem, type PrintedGlyph } from './paper.js';
export { DEFAULT_UNIFONT_PATH, loadUnifont, Unifont } from './unifont.js';
