import { CodedError } from '../../errors/coded-error.js';

export type ReceiptErrorCode =
  /** No record with that seq in the journal. */
  | 'not_found'
  /** The record is not one a receipt is printed for (only payments, refunds, voids and reversals are). */
  | 'no_receipt'
  /** The terminal has no printer. */
  | 'no_printer';

export class ReceiptError extends CodedError<ReceiptErrorCode> {
  override readonly name = 'ReceiptError';
}
