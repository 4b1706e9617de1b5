import { CodedError } from '../../errors/coded-error.js';

export type PrinterErrorCode =
  /** A real-time status query (DLE EOT) got no answer in time. */
  | 'status_timeout'
  /** The link went away while waiting for the printer. */
  | 'disconnected'
  /** The printer was stopped; the job did not complete (it is handed back by stop()). */
  | 'stopped'
  /** The printer profile lacks what was asked (a drawer pulse without a kick-out connector). */
  | 'unsupported';

/** A printer operation that did not complete; the job itself is kept (see EscPosPrinter). */
export class PrinterError extends CodedError<PrinterErrorCode> {
  override readonly name = 'PrinterError';
}
