/**
 * The error codes a PN532 reports in bits 0-5 of the status byte of InDataExchange, InRelease,
 * InDeselect, Diagnose and others (PN532 User Manual UM0701-02, section 7.1 "Error handling").
 * Bit 6 of the InDataExchange status byte is MI (more information: the chip holds more data),
 * bit 7 is NAD (a node address byte is present; never used with ISO-DEP cards here).
 */
export const CHIP_STATUS = {
  0x00: ['ok', 'no error'],
  0x01: ['timeout', 'the target has not answered in time'],
  0x02: ['crc', 'CRC error detected by the contactless interface'],
  0x03: ['parity', 'parity error detected by the contactless interface'],
  0x04: ['bit_count', 'erroneous bit count during anticollision or select'],
  0x05: ['framing', 'framing error during a MIFARE operation'],
  0x06: ['bit_collision', 'abnormal bit collision during bitwise anticollision at 106 kbps'],
  0x07: ['buffer_too_small', 'communication buffer size insufficient'],
  0x09: ['rf_buffer_overflow', 'RF buffer overflow detected by the contactless interface'],
  0x0a: ['rf_field_timeout', 'active mode: the counterpart did not switch its RF field on in time'],
  0x0b: ['rf_protocol', 'RF protocol error'],
  0x0d: ['overheating', 'temperature error: the antenna drivers were switched off'],
  0x0e: ['internal_buffer_overflow', 'internal buffer overflow'],
  0x10: ['invalid_parameter', 'invalid parameter (range, format)'],
  0x12: ['dep_unknown_command', 'DEP: command received invalid in the current DEP state'],
  0x13: ['invalid_frame', 'DEP, MIFARE or ISO/IEC 14443-4: the data format does not match the specification'],
  0x14: ['mifare_authentication', 'MIFARE authentication error'],
  0x23: ['wrong_uid_check_byte', 'ISO/IEC 14443-3: UID check byte (BCC) is wrong'],
  0x25: ['dep_invalid_state', 'DEP: invalid device state for this operation'],
  0x26: ['operation_not_allowed', 'operation not allowed in this configuration'],
  0x27: ['command_not_acceptable', 'command not acceptable in the current context (e.g. unknown target)'],
  0x29: ['target_released', 'the PN532 as target was released by its initiator'],
  0x2a: ['card_id_mismatch', 'ISO/IEC 14443-3B: the card ID does not match (another card was exchanged)'],
  0x2b: ['card_disappeared', 'ISO/IEC 14443-3B: the card previously activated has disappeared'],
  0x2c: ['nfcid3_mismatch', 'NFCID3 of initiator and target do not match (DEP 212/424 kbps passive)'],
  0x2d: ['over_current', 'an over-current event has been detected'],
  0x2e: ['nad_missing', 'NAD missing in a DEP frame'],
} as const satisfies Record<number, readonly [string, string]>;

type StatusTable = typeof CHIP_STATUS;
export type ChipStatusName = StatusTable[keyof StatusTable][0] | 'unknown';

export const STATUS_MI = 0x40;
export const STATUS_NAD = 0x80;
export const STATUS_ERROR_MASK = 0x3f;

function entry(code: number): readonly [string, string] | undefined {
  return (CHIP_STATUS as Record<number, readonly [string, string]>)[code & STATUS_ERROR_MASK];
}

export function chipStatusName(code: number): ChipStatusName {
  return (entry(code)?.[0] as ChipStatusName | undefined) ?? 'unknown';
}

export function describeChipStatus(code: number): string {
  const e = entry(code);
  const hex = `0x${(code & STATUS_ERROR_MASK).toString(16).padStart(2, '0')}`;
  return e ? `${hex} ${e[0]}: ${e[1]}` : `${hex} (not in the PN532 error table)`;
}

/**
 * Statuses that mean the selected target is gone, as far as the host can tell: the card stopped
 * answering (0x01), the chip no longer knows the target (0x27), or it disappeared (0x2B).
 */
export function isTargetLostStatus(code: number): boolean {
  const c = code & STATUS_ERROR_MASK;
  return c === 0x01 || c === 0x27 || c === 0x2b;
}
