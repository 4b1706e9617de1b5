import { CodedError } from '../../errors/coded-error.js';
export type NfcErrorCode =
  /** No card is in the field (or the tap this channel belongs to is over). */
  | 'no_card'
  /** The card does not speak ISO-DEP (SAK bit 0x20 clear): it takes no APDUs. */
  | 'not_iso_dep'
  /** The card left the field during the exchange; the reader is already looking for the next tap. */
  | 'card_lost'
  /** The reader is unplugged, not answering, or still initialising. */
  | 'reader_unavailable'
  /** The exchange failed for another reason (chip error, corrupted frames); `cause` has the Pn532Error. */
  | 'exchange_failed'
  /** The reader was stopped. */
  | 'stopped';

export class NfcError extends CodedError<NfcErrorCode> {
  override readonly name = 'NfcError';
}
