import { CodedError } from '../../errors/coded-error.js';

/** Where a scan came from: which of the three scanner protocols carried it. */
export type ScanSource = 'hid-wedge' | 'hid-pos' | 'serial';

export type ScannerErrorCode =
  /** Scanner options or the device URI's scanner options are malformed. */
  | 'bad_config'
  /** A HID report of the wrong size (a keyboard report is 8 bytes; a HID POS report as its layout says). */
  | 'bad_report_length'
  /** The keyboard reported Error Roll-Over (usage 0x01..0x03 in every slot): keys were lost. */
  | 'rollover'
  /** A key with no character in the US layout (Escape, F-keys, arrows, Caps Lock, Alt/GUI combinations). */
  | 'unsupported_key'
  /** Keystrokes came slower than a scanner types them: a person at the keyboard. */
  | 'human_typing'
  /** Fewer characters than the shortest accepted scan (keyboard wedge), or an empty scan. */
  | 'too_short'
  /** Longer than the longest accepted scan; everything up to the next terminator is dropped. */
  | 'too_long'
  /** A HID report whose report id is not the one the HID POS layout expects. */
  | 'unknown_report'
  /** A HID POS report whose byte count exceeds its data field. */
  | 'bad_byte_count'
  /** A HID POS continuation report carried a different symbology identifier than the first part. */
  | 'symbology_changed'
  /** A HID POS scan said more data follows, and none came in time. */
  | 'incomplete'
  /** Control bytes (other than GS, RS, FS, EOT) inside a scanned line or report. */
  | 'non_printable'
  /** Bytes above 0x7F that are not valid UTF-8. */
  | 'bad_encoding'
  /** The device went away mid-scan; the partial code was discarded. */
  | 'disconnected';

/**
 * A scan the driver refused, or a fault in what the device sent. Emitted as a `reject` event:
 * the driver never throws on device input and never emits part of a code.
 * `length` is how many characters/bytes were dropped; the dropped text itself is never kept,
 * because it may be a customer's payment code.
 */
export class ScannerError extends CodedError<ScannerErrorCode> {
  override readonly name = 'ScannerError';
  constructor(
    code: ScannerErrorCode,
    message: string,
    readonly source?: ScanSource,
    readonly length = 0,
    readonly at = 0,
  ) {
    super(code, message);
  }
}
