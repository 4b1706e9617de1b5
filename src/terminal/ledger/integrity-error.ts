import { CodedError } from '../../errors/coded-error.js';

export type LedgerIntegrityCode = 'derived_mismatch' | 'unreadable_record' | 'missing_record';

/**
 * The journal's stored state contradicts itself: a derived column disagrees with the signed
 * record, or a record is unreadable or missing. Nothing that decides money may go on from here.
 */
export class LedgerIntegrityError extends CodedError<LedgerIntegrityCode> {
  override readonly name = 'LedgerIntegrityError';
  constructor(
    code: LedgerIntegrityCode,
    /** The first record found bad. */
    readonly seq: number,
    message: string,
  ) {
    super(code, message);
  }
}
