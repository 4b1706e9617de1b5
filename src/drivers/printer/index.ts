export { EscPosPrinter, type EscPosPrinterOptions, type EscPosPrinterEvents, type PrinterStats } from './escpos-printer.js';
export type { PrintJob, JobEvent, JobKind, JobResult, UnfinishedJob } from './job-queue.js';
export { PrinterError, type PrinterErrorCode } from './errors.js';
export { conditionOf, isBlocking, printerHealth, type PrinterCondition, type PrinterDetail } from './printer-health.js';
export { StatusChannel } from './status-channel.js';
