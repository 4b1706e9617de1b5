import { CodedError } from '../../errors/coded-error.js';
import { chipStatusName, type ChipStatusName } from './chip-status.js';

export type Pn532ErrorCode =
  /** No ACK after every resend: nothing answers on the line (chip absent, asleep, wrong baud rate). */
  | 'ack_timeout'
  /** The chip ACKed but the response did not come in time (the command was then aborted with an ACK). */
  | 'response_timeout'
  /** Responses kept arriving corrupted after every NACK, or a response was malformed. */
  | 'bad_frame'
  /** The chip answered with the syntax error frame (00 00 FF 01 FF 7F 81 00): it rejected the command. */
  | 'error_frame'
  /** The chip reported an error in its status byte (`chipStatus`), other than a lost target. */
  | 'chip_error'
  /** The target left the field or is no longer known to the chip (status 0x01 timeout, 0x27, 0x2B). */
  | 'target_lost'
  /** The link closed or failed while the command was under way, or is not open. */
  | 'link_down'
  /** The chip is still being initialised (or failed to initialise); no command can run yet. */
  | 'not_ready'
  /** The command was aborted by the host (stop(), or abort()). */
  | 'aborted'
  /** An argument cannot be encoded (wrong length, out of range). */
  | 'bad_argument'
  /** The chip that answered is not a PN532 (GetFirmwareVersion IC byte). */
  | 'unsupported_chip';

export class Pn532Error extends CodedError<Pn532ErrorCode> {
  override readonly name = 'Pn532Error';
  /** For chip_error and target_lost: the error code (bits 0-5) of the chip's status byte. */
  readonly chipStatus: number | undefined;
  readonly chipStatusName: ChipStatusName | undefined;

  constructor(code: Pn532ErrorCode, message: string, options?: { cause?: unknown; chipStatus?: number }) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.chipStatus = options?.chipStatus;
    this.chipStatusName = options?.chipStatus === undefined ? undefined : chipStatusName(options.chipStatus);
  }
}
