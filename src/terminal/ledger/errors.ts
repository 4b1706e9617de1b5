import { CodedError } from '../../errors/coded-error.js';
export type JournalErrorCode =
  | 'invalid_record'
  | 'unknown_asset'
  | 'bad_amount'
  | 'unknown_payment'
  | 'asset_mismatch'
  | 'exceeds_payment'
  | 'already_returned'
  | 'total_overflow'
  | 'too_large'
  | 'not_allowed'
  | 'disk_full'
  | 'storage_error'
  | 'concurrent_writer'
  | 'corrupt'
  | 'key_missing';

/** An append or open that did not happen. Nothing was written when an append throws this. */
export class JournalError extends CodedError<JournalErrorCode> {
  override readonly name = 'JournalError';
}
