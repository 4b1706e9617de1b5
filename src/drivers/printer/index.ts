export {
  EscPosPrinter,
  type EscPosPrinterOptions,
  type EscPosPrinterEvents,
  type PrintJob,
  type JobEvent,
  type JobKind,
  type JobResult,
  type UnfinishedJob,
  type PrinterStats,
} from './escpos-printer.js';
export { PrinterError, type PrinterErrorCode } from './errors.js';
export { isBlocking, stateOf, type PrinterState, type PrinterStatus } from './printer-state.js';
export { StatusChannel } from './status-channel.js';
