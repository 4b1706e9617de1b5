import { CodedError } from '../../errors/coded-error.js';

export type ReportErrorCode =
  /** The business day named for a Z report is not a calendar date YYYY-MM-DD. */
  | 'bad_day';

export class ReportError extends CodedError<ReportErrorCode> {
  override readonly name = 'ReportError';
}
