import { CodedError } from '../../errors/coded-error.js';
import { describeStatusWord } from './status-words.js';

export type ApduErrorCode =
  /** The card answered a status word other than 9000 (see `sw`). */
  | 'status'
  /** The command cannot be encoded as a short APDU (field out of range, data too long). */
  | 'bad_command'
  /** The card's answer is not a response APDU (fewer than 2 bytes). */
  | 'bad_response'
  /** More GET RESPONSE rounds than allowed, or a 6CXX answer to the corrected command. */
  | 'chaining_limit'
  /** BER-TLV data is malformed. */
  | 'bad_tlv';

export class ApduError extends CodedError<ApduErrorCode> {
  override readonly name = 'ApduError';
  /** For code 'status': SW1 << 8 | SW2. */
  readonly sw: number | undefined;

  constructor(code: 'status', message: string, sw: number);
  constructor(code: Exclude<ApduErrorCode, 'status'>, message: string);
  constructor(code: ApduErrorCode, message: string, sw?: number) {
    super(code, message);
    this.sw = sw;
  }

  get sw1(): number | undefined {
    return this.sw === undefined ? undefined : this.sw >> 8;
  }

  get sw2(): number | undefined {
    return this.sw === undefined ? undefined : this.sw & 0xff;
  }

  static fromStatus(sw: number, context: string): ApduError {
    const { name, meaning } = describeStatusWord(sw);
    return new ApduError('status', `${context}: SW ${sw.toString(16).padStart(4, '0').toUpperCase()} ${name} (${meaning})`, sw);
  }
}
