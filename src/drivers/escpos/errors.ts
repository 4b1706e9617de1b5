import { CodedError } from '../../errors/coded-error.js';

export type EscPosErrorCode =
  /** A command argument is outside the range the command accepts (size 9, cell size 0, pulse 3 ms...). */
  | 'bad_argument'
  /** Text holds a character the profile's character encoding cannot print (CJK on a code-page printer). */
  | 'unencodable_text'
  /** Text holds a control character (ESC, DLE, NUL...): it would be read by the printer as a command. */
  | 'control_character'
  /** Barcode data that the symbology cannot carry (wrong length, non-digits, bad check digit). */
  | 'bad_barcode_data'
  /** A bitmap whose size or pixel data does not add up. */
  | 'bad_image'
  /** QR, barcode or image wider than the paper, or a glyph wider than the line. */
  | 'too_wide'
  /** Data longer than the command can carry (QR over 7089 bytes, barcode over 255). */
  | 'too_long'
  /** The printer profile lacks what the receipt asks for (QR, cutter, drawer kick-out). */
  | 'unsupported'
  /** An unknown printer profile id. */
  | 'unknown_profile'
  /** A byte offered as a status reply does not have the status bit pattern. */
  | 'bad_status_byte';

/** A receipt or command the encoder refused. Nothing is emitted for a refused receipt. */
export class EscPosError extends CodedError<EscPosErrorCode> {
  override readonly name = 'EscPosError';
}

export function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EscPosError('bad_argument', `${name} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  return value;
}
