import { CodedError } from '../../errors/coded-error.js';

export type LedgerIntegrityCode =
  /** A derived column disagrees with the signed record. */
  | 'derived_mismatch'
  /** A record's stored text is not JSON. */
  | 'unreadable_record'
  /** A seq has no record. */
  | 'missing_record'
  /** A record fails a check of docs/journal.md: its hash, its link, its signature, its totals, a checkpoint. */
  | 'bad_record'
  /** Records that the acquirer or a payment has seen are gone from the end of the journal. */
  | 'tail_cut';

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
