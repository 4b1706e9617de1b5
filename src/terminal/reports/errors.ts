import { CodedError } from '../../errors/coded-error.js';

export type ReportErrorCode =
  /** The business day named for a Z report is not a calendar date YYYY-MM-DD. */
  | 'bad_day'
  /** A Z report for the business day the last Z closed: that day's Z exists (reprint it, or close the next day). */
  | 'day_closed';

export class ReportError extends CodedError<ReportErrorCode> {
  override readonly name = 'ReportError';
}
